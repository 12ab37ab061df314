namespace NmtPractice.Grains.Tests;

/// <summary>Bad input to every public grain method: a precise refusal (reason and field), and nothing changes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture fixture)
{
    private readonly GrainChain _chain = new(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);

    private static void AssertRefused<T>(Result<T> result, RefusalReason reason, string? field = null)
    {
        Assert.False(result.IsOk, $"expected {reason} but the call succeeded");
        Assert.Equal(reason, result.Refusal!.Reason);
        if (field is not null)
        {
            Assert.Equal(field, result.Refusal.Field);
        }
        Assert.False(string.IsNullOrWhiteSpace(result.Refusal.Message));
    }

    private static Clinic ValidClinic(string id) => new(id, "Clinic", "Street", "Europe/London",
        [new OpeningRange(IsoDayOfWeek.Monday, GrainChain.Open)], [], Duration.FromHours(24),
        [new Room("r1", "Room 1", ["hydraulic-table"], [])], [GrainChain.Nmt60Service]);

    public static TheoryData<string, string> InvalidClinics() => new()
    {
        { "unknown time zone", "time_zone" },
        { "reversed opening hours", "opening_hours" },
        { "reversed closure", "closures" },
        { "zero-minute service", "duration" },
        { "two-day service", "duration" },
        { "negative turnover", "turnover" },
        { "duplicate rooms", "room_id" },
        { "huge name", "name" },
        { "negative cancellation window", "cancellation_window" },
    };

    [Theory]
    [MemberData(nameof(InvalidClinics))]
    public async Task Creating_an_invalid_clinic_is_refused_and_creates_nothing(string what, string field)
    {
        var id = _chain.Id("bad-" + what.Replace(' ', '-'));
        var valid = ValidClinic(id);
        var clinic = what switch
        {
            "unknown time zone" => valid with { TimeZoneId = "Europe/Atlantis" },
            "reversed opening hours" => valid with { OpeningHours = [new OpeningRange(IsoDayOfWeek.Monday, new LocalTimeRange(new LocalTime(18, 0), new LocalTime(9, 0)))] },
            "reversed closure" => valid with { Closures = [new Closure(new DateRange(new LocalDate(2027, 1, 5), new LocalDate(2027, 1, 1)), "x")] },
            "zero-minute service" => valid with { Services = [GrainChain.Nmt60Service with { Duration = Duration.Zero }] },
            "two-day service" => valid with { Services = [GrainChain.Nmt60Service with { Duration = Duration.FromDays(2) }] },
            "negative turnover" => valid with { Services = [GrainChain.Nmt60Service with { Turnover = Duration.FromMinutes(-5) }] },
            "duplicate rooms" => valid with { Rooms = [valid.Rooms[0], valid.Rooms[0]] },
            "huge name" => valid with { Name = new string('x', 100_000) },
            "negative cancellation window" => valid with { CancellationWindow = Duration.FromHours(-1) },
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        var grain = fixture.Grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(id));

        AssertRefused(await grain.Create(clinic), RefusalReason.InvalidArgument, field);
        Assert.Null(await grain.Get());
        Assert.DoesNotContain(id, await fixture.Grains.GetGrain<IChainGrain>(GrainKeys.Chain).ListClinics());
    }

    [Fact]
    public async Task Clinic_changes_with_bad_input_are_refused_and_change_nothing()
    {
        var clinic = await _chain.Clinic("a");
        var grain = fixture.Grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinic.Id));
        var unknown = fixture.Grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(_chain.Id("nowhere")));

        AssertRefused(await grain.Create(clinic), RefusalReason.AlreadyExists, "clinic_id");
        AssertRefused(await grain.Create(clinic with { Id = "other" }), RefusalReason.InvalidArgument, "clinic_id");
        AssertRefused(await unknown.UpdateDetails("x", "y", Duration.FromHours(1)), RefusalReason.NotFound, "clinic_id");
        AssertRefused(await grain.UpdateDetails("", "y", Duration.FromHours(1)), RefusalReason.InvalidArgument, "name");
        AssertRefused(await grain.UpdateDetails("x", "y", Duration.FromDays(30)), RefusalReason.InvalidArgument, "cancellation_window");
        AssertRefused(await grain.SetOpeningHours([new OpeningRange(IsoDayOfWeek.None, GrainChain.Open)]), RefusalReason.InvalidArgument, "opening_hours.day");
        AssertRefused(await grain.AddClosure(new Closure(new DateRange(new LocalDate(2027, 2, 2), new LocalDate(2027, 2, 1)), "x")), RefusalReason.InvalidArgument, "closures");
        AssertRefused(await grain.RemoveClosure(new LocalDate(2027, 2, 1), new LocalDate(2027, 2, 2)), RefusalReason.NotFound, "closure");
        AssertRefused(await grain.UpsertRoom(new Room("bad id", "Room", [], [])), RefusalReason.InvalidArgument, "room_id");
        AssertRefused(await grain.UpsertRoom(new Room("r9", "Room", ["no spaces allowed"], [])), RefusalReason.InvalidArgument, "features");
        var now = ClusterFixture.Clock.GetCurrentInstant();
        AssertRefused(await grain.AddRoomOutOfService("r404", new OutOfServicePeriod(new Interval(now, now + Duration.FromHours(1)), "x")), RefusalReason.NotFound, "room_id");
        AssertRefused(await grain.AddRoomOutOfService("r1", new OutOfServicePeriod(new Interval(now, now), "x")), RefusalReason.InvalidArgument, "out_of_service");
        AssertRefused(await grain.UpsertService(GrainChain.Nmt60Service with { Duration = Duration.FromMinutes(61.5) }), RefusalReason.InvalidArgument, "duration");
        AssertRefused(await grain.UpsertService(GrainChain.Nmt60Service with { Price = -1 }), RefusalReason.InvalidArgument, "price");

        Assert.Equal(clinic with { }, await grain.Get(), ClinicComparer.Instance);
    }

    [Fact]
    public async Task Staff_and_client_changes_with_bad_input_are_refused_and_change_nothing()
    {
        var clinic = await _chain.Clinic("a");
        var therapist = await _chain.Therapist("t", clinic.Id);
        var client = await _chain.Client("c");
        var grain = fixture.Grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapist.Id));
        var now = ClusterFixture.Clock.GetCurrentInstant();

        AssertRefused(await fixture.Grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(_chain.Id("ghost"))).Rename("x"), RefusalReason.NotFound, "therapist_id");
        AssertRefused(await grain.Rename(" "), RefusalReason.InvalidArgument, "name");
        AssertRefused(await grain.SetRosters([new Roster(_chain.Id("nowhere"), 1, new LocalDate(2026, 1, 5), [])]), RefusalReason.NotFound, "roster.clinic_id");
        AssertRefused(await grain.SetRosters([new Roster(clinic.Id, 0, new LocalDate(2026, 1, 5), [])]), RefusalReason.InvalidArgument, "cycle_weeks");
        AssertRefused(await grain.SetRosters([new Roster(clinic.Id, 2, new LocalDate(2026, 1, 5), [new RosterShift(2, IsoDayOfWeek.Monday, GrainChain.Open)])]), RefusalReason.InvalidArgument, "shifts.week");
        AssertRefused(await grain.AddException(new RosterException("e1", RosterExceptionKind.Leave, new Interval(now, now), null, "")), RefusalReason.InvalidArgument, "period");
        AssertRefused(await grain.AddException(new RosterException("e2", RosterExceptionKind.ExtraShift, new Interval(now, now + Duration.FromHours(2)), null, "")), RefusalReason.InvalidArgument, "clinic_id");
        AssertRefused(await grain.AddException(new RosterException("e3", RosterExceptionKind.Leave, new Interval(now, now + Duration.FromDays(400)), null, "")), RefusalReason.InvalidArgument, "period");
        AssertRefused(await grain.RemoveException("e404"), RefusalReason.NotFound, "exception_id");
        Assert.Equal(therapist.Rosters.Count, (await grain.Get())!.Rosters.Count);
        Assert.Empty((await grain.Get())!.Exceptions);

        var clients = fixture.Grains.GetGrain<IClientGrain>(GrainKeys.Client(client.Id));
        AssertRefused(await clients.Update(client with { Email = "not-an-address" }), RefusalReason.InvalidArgument, "email");
        AssertRefused(await clients.Update(client with { Phone = "call me" }), RefusalReason.InvalidArgument, "phone");
        AssertRefused(await clients.Register(client), RefusalReason.AlreadyExists, "client_id");
        AssertRefused(await fixture.Grains.GetGrain<IClientGrain>(GrainKeys.Client(_chain.Id("ghost"))).Update(client with { Id = _chain.Id("ghost") }), RefusalReason.NotFound, "client_id");
        Assert.Equal(client, await clients.Get());

        var chainGrain = fixture.Grains.GetGrain<IChainGrain>(GrainKeys.Chain);
        var travel = await chainGrain.GetTravel();
        AssertRefused(await chainGrain.SetTravel(new TravelMatrix(Duration.FromMinutes(-1), [])), RefusalReason.InvalidArgument, "default_travel");
        AssertRefused(await chainGrain.SetTravel(new TravelMatrix(Duration.FromMinutes(30), [new TravelTime("a", "b", Duration.FromDays(2))])), RefusalReason.InvalidArgument, "travel");
        Assert.Equal(travel.Default, (await chainGrain.GetTravel()).Default);
    }

    [Fact]
    public async Task Booking_and_search_with_bad_input_are_refused_and_book_nothing()
    {
        var clinic = await _chain.Clinic("a");
        var therapist = await _chain.Therapist("t", clinic.Id);
        var client = await _chain.Client("c");
        var start = GrainChain.At(GrainChain.FutureDate(), 10);
        var booking = fixture.Grains.GetGrain<IBookingGrain>(0);
        BookingRequest Request() => new(Guid.NewGuid().ToString(), clinic.Id, GrainChain.Nmt60, therapist.Id, null, client.Id, start);

        AssertRefused(await booking.Book(Request() with { RequestId = "" }), RefusalReason.InvalidArgument, "request_id");
        AssertRefused(await booking.Book(Request() with { RequestId = new string('r', 129) }), RefusalReason.InvalidArgument, "request_id");
        AssertRefused(await booking.Book(Request() with { ClinicId = "" }), RefusalReason.InvalidArgument, "clinic_id");
        AssertRefused(await booking.Book(Request() with { ClinicId = _chain.Id("nowhere") }), RefusalReason.NotFound, "clinic_id");
        AssertRefused(await booking.Book(Request() with { ServiceId = "massage-9000" }), RefusalReason.NotFound, "service_id");
        AssertRefused(await booking.Book(Request() with { TherapistId = _chain.Id("ghost") }), RefusalReason.NotFound, "therapist_id");
        AssertRefused(await booking.Book(Request() with { ClientId = _chain.Id("ghost") }), RefusalReason.NotFound, "client_id");
        AssertRefused(await booking.Book(Request() with { RoomId = "r404" }), RefusalReason.NotFound, "room_id");
        AssertRefused(await booking.Book(Request() with { Start = default }), RefusalReason.InvalidArgument, "start");
        AssertRefused(await booking.Book(Request() with { HoldFor = Duration.Zero }), RefusalReason.InvalidArgument, "hold_for");
        AssertRefused(await booking.Book(Request() with { HoldFor = Duration.FromDays(2) }), RefusalReason.InvalidArgument, "hold_for");
        Assert.Empty(await fixture.Ledger.ListForClinicAsync(clinic.Id, start - Duration.FromDays(1), start + Duration.FromDays(1)));

        var date = GrainChain.FutureDate();
        AvailabilityRequest Search() => new(clinic.Id, GrainChain.Nmt60, date, date);
        AssertRefused(await booking.SearchAvailability(Search() with { To = date.PlusDays(-1) }), RefusalReason.InvalidArgument, "to");
        AssertRefused(await booking.SearchAvailability(Search() with { To = date.PlusDays(60) }), RefusalReason.InvalidArgument, "to");
        AssertRefused(await booking.SearchAvailability(Search() with { Grid = Duration.Zero }), RefusalReason.InvalidArgument, "grid");
        AssertRefused(await booking.SearchAvailability(Search() with { Grid = Duration.FromDays(1) }), RefusalReason.InvalidArgument, "grid");
        AssertRefused(await booking.SearchAvailability(Search() with { ClinicId = _chain.Id("nowhere") }), RefusalReason.NotFound, "clinic_id");
        AssertRefused(await booking.SearchAvailability(Search() with { TherapistId = _chain.Id("ghost") }), RefusalReason.NotFound, "therapist_id");
    }

    [Fact]
    public async Task Lifecycle_calls_on_an_unknown_appointment_are_not_found()
    {
        var appointment = fixture.Grains.GetGrain<IAppointmentGrain>(Guid.NewGuid());

        Assert.Null(await appointment.Get());
        AssertRefused(await appointment.Confirm(), RefusalReason.NotFound, "appointment_id");
        AssertRefused(await appointment.Cancel("x"), RefusalReason.NotFound, "appointment_id");
        AssertRefused(await appointment.CheckIn(), RefusalReason.NotFound, "appointment_id");
        AssertRefused(await appointment.Complete(), RefusalReason.NotFound, "appointment_id");
        AssertRefused(await appointment.MarkNoShow(), RefusalReason.NotFound, "appointment_id");
        AssertRefused(await appointment.Reschedule(new RescheduleRequest(GrainChain.At(GrainChain.FutureDate(), 10))), RefusalReason.NotFound, "appointment_id");
        AssertRefused(await appointment.Reschedule(new RescheduleRequest(default)), RefusalReason.InvalidArgument, "new_start");
    }

    [Fact]
    public async Task A_huge_cancel_reason_is_refused_and_the_appointment_stays_booked()
    {
        var clinic = await _chain.Clinic("a");
        var therapist = await _chain.Therapist("t", clinic.Id);
        var booked = (await _chain.Book(clinic.Id, therapist.Id, (await _chain.Client("c")).Id, GrainChain.At(GrainChain.FutureDate(), 10))).Value!;

        AssertRefused(await _chain.Appointment(booked.Id).Cancel(new string('x', 10_000)), RefusalReason.InvalidArgument, "reason");
        Assert.Equal(AppointmentStatus.Booked, (await fixture.Ledger.GetAsync(booked.Id))!.Status);
    }

    /// <summary>Records hold lists, so compare clinics by their JSON form.</summary>
    private sealed class ClinicComparer : IEqualityComparer<Clinic?>
    {
        public static readonly ClinicComparer Instance = new();

        public bool Equals(Clinic? x, Clinic? y) =>
            System.Text.Json.JsonSerializer.Serialize(x, Serialization.JsonOptions) == System.Text.Json.JsonSerializer.Serialize(y, Serialization.JsonOptions);

        public int GetHashCode(Clinic? obj) => 0;
    }
}
