namespace NmtPractice.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class BookingFlowTests(ClusterFixture fixture)
{
    private GrainChain NewChain() => new(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Booking_with_any_room_allocates_the_best_fitting_room_and_lands_in_the_ledger()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var therapist = await chain.Therapist("t", clinic.Id);
        var client = await chain.Client("c");
        var start = GrainChain.At(GrainChain.FutureDate(), 10);

        var result = await chain.Book(clinic.Id, therapist.Id, client.Id, start);

        Assert.True(result.IsOk, result.Refusal?.Message);
        var booked = result.Value!;
        Assert.Equal(AppointmentStatus.Booked, booked.Status);
        Assert.Equal("r2", booked.RoomId); // r1 has an extra feature ('quiet') the service does not need
        Assert.Equal(start + Duration.FromMinutes(75), booked.RoomFreeAt);
        var stored = await fixture.Ledger.GetAsync(booked.Id);
        Assert.NotNull(stored);
        Assert.Equal(booked.RequestId, stored.RequestId);
    }

    [Fact]
    public async Task Booking_with_any_therapist_picks_a_free_rostered_one()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a", rooms: 3);
        var t1 = await chain.Therapist("t1", clinic.Id);
        var t2 = await chain.Therapist("t2", clinic.Id);
        var start = GrainChain.At(GrainChain.FutureDate(), 11);

        var first = await chain.Book(clinic.Id, null, (await chain.Client("c1")).Id, start);
        var second = await chain.Book(clinic.Id, null, (await chain.Client("c2")).Id, start);
        var third = await chain.Book(clinic.Id, null, (await chain.Client("c3")).Id, start);

        Assert.True(first.IsOk && second.IsOk, first.Refusal?.Message ?? second.Refusal?.Message);
        Assert.Equal(new[] { t1.Id, t2.Id }.Order(), new[] { first.Value!.TherapistId, second.Value!.TherapistId }.Order());
        Assert.Equal(RefusalReason.TherapistBusy, third.Refusal?.Reason);
    }

    [Fact]
    public async Task A_conflict_is_refused_with_the_nearest_alternative_slots()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var therapist = await chain.Therapist("t", clinic.Id);
        var start = GrainChain.At(GrainChain.FutureDate(), 14);
        Assert.True((await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c1")).Id, start)).IsOk);

        var refused = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c2")).Id, start);

        Assert.Equal(RefusalReason.TherapistBusy, refused.Refusal?.Reason);
        var alternatives = refused.Refusal!.Alternatives;
        Assert.Equal(3, alternatives.Count);
        Assert.All(alternatives, a => Assert.False(new Interval(a.Start, a.End).Overlaps(new Interval(start, start + Duration.FromHours(1)))));
        Assert.Contains(alternatives, a => a.Start == start + Duration.FromHours(1) || a.Start == start - Duration.FromHours(1));
    }

    [Fact]
    public async Task Rule_refusals_name_the_rule()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var therapist = await chain.Therapist("t", clinic.Id);
        var client = await chain.Client("c");
        var date = GrainChain.FutureDate();

        Assert.Equal(RefusalReason.OutsideOpeningHours, (await chain.Book(clinic.Id, therapist.Id, client.Id, GrainChain.At(date, 19, 30))).Refusal?.Reason);
        Assert.Equal(RefusalReason.InThePast, (await chain.Book(clinic.Id, therapist.Id, client.Id, ClusterFixture.Clock.GetCurrentInstant() - Duration.FromDays(1))).Refusal?.Reason);
        await fixture.Grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinic.Id)).AddClosure(new Closure(new DateRange(date, date), "Bank holiday"));
        Assert.Equal(RefusalReason.ClinicClosed, (await chain.Book(clinic.Id, therapist.Id, client.Id, GrainChain.At(date, 10))).Refusal?.Reason);
        var unqualified = await chain.Therapist("u", clinic.Id);
        await fixture.Grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(unqualified.Id)).SetQualifications([]);
        Assert.Equal(RefusalReason.Unqualified, (await chain.Book(clinic.Id, unqualified.Id, client.Id, GrainChain.At(date.PlusDays(1), 10))).Refusal?.Reason);
    }

    [Fact]
    public async Task Turnover_blocks_the_room_after_a_session()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a", rooms: 1);
        var t1 = await chain.Therapist("t1", clinic.Id);
        var t2 = await chain.Therapist("t2", clinic.Id);
        var date = GrainChain.FutureDate();
        Assert.True((await chain.Book(clinic.Id, t1.Id, (await chain.Client("c1")).Id, GrainChain.At(date, 9))).IsOk);

        var inTurnover = await chain.Book(clinic.Id, t2.Id, (await chain.Client("c2")).Id, GrainChain.At(date, 10), roomId: "r1");
        var afterTurnover = await chain.Book(clinic.Id, t2.Id, (await chain.Client("c3")).Id, GrainChain.At(date, 10, 15), roomId: "r1");

        Assert.Equal(RefusalReason.Turnover, inTurnover.Refusal?.Reason);
        Assert.True(afterTurnover.IsOk, afterTurnover.Refusal?.Message);
    }

    [Fact]
    public async Task Travel_time_between_clinics_is_respected()
    {
        var chain = NewChain();
        var a = await chain.Clinic("a");
        var b = await chain.Clinic("b");
        var therapist = await chain.Therapist("t", a.Id, b.Id);
        var date = GrainChain.FutureDate();
        Assert.True((await chain.Book(a.Id, therapist.Id, (await chain.Client("c1")).Id, GrainChain.At(date, 9))).IsOk);

        var tooSoon = await chain.Book(b.Id, therapist.Id, (await chain.Client("c2")).Id, GrainChain.At(date, 10));
        var inTime = await chain.Book(b.Id, therapist.Id, (await chain.Client("c3")).Id, GrainChain.At(date, 10, 30));

        Assert.Equal(RefusalReason.Travel, tooSoon.Refusal?.Reason);
        Assert.True(inTime.IsOk, inTime.Refusal?.Message);
    }

    [Fact]
    public async Task Whole_lifecycle_hold_confirm_check_in_complete()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var therapist = await chain.Therapist("t", clinic.Id);
        var client = await chain.Client("c");
        var start = ClusterFixture.Clock.GetCurrentInstant().InUtc().Date.PlusDays(1).AtMidnight().InUtc().ToInstant() + Duration.FromHours(11);

        var hold = await chain.Book(clinic.Id, therapist.Id, client.Id, start, holdFor: Duration.FromMinutes(5));
        Assert.Equal(AppointmentStatus.Pending, hold.Value?.Status);
        var appointment = chain.Appointment(hold.Value!.Id);

        Assert.Equal(AppointmentStatus.Booked, (await appointment.Confirm()).Value?.Status);
        Assert.Equal(RefusalReason.InvalidTransition, (await appointment.Complete()).Refusal?.Reason);
        Assert.Equal(AppointmentStatus.Arrived, (await appointment.CheckIn()).Value?.Status);
        Assert.Equal(AppointmentStatus.Fulfilled, (await appointment.Complete()).Value?.Status);
        Assert.Equal(RefusalReason.InvalidTransition, (await appointment.Cancel("changed mind")).Refusal?.Reason);
    }

    [Fact]
    public async Task An_expired_hold_frees_the_slot_and_can_no_longer_be_confirmed()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a", rooms: 1);
        var therapist = await chain.Therapist("t", clinic.Id);
        var start = GrainChain.At(GrainChain.FutureDate(25), 12);
        var hold = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c1")).Id, start, holdFor: Duration.FromMinutes(2));
        Assert.True(hold.IsOk, hold.Refusal?.Message);
        Assert.Equal(RefusalReason.TherapistBusy, (await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c2")).Id, start)).Refusal?.Reason);

        ClusterFixture.Clock.Advance(Duration.FromMinutes(3));
        var taken = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c3")).Id, start);
        var confirm = await chain.Appointment(hold.Value!.Id).Confirm();

        Assert.True(taken.IsOk, taken.Refusal?.Message);
        Assert.Equal(RefusalReason.HoldExpired, confirm.Refusal?.Reason);
        Assert.Equal(AppointmentStatus.Cancelled, (await fixture.Ledger.GetAsync(hold.Value.Id))!.Status);
    }

    [Fact]
    public async Task Cancelling_inside_the_window_is_late_and_frees_the_slot()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var therapist = await chain.Therapist("t", clinic.Id);
        var window = await fixture.Grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinic.Id)).UpdateDetails(clinic.Name, clinic.Address, Duration.FromDays(7));
        Assert.True(window.IsOk, window.Refusal?.Message);
        var soon = GrainChain.At(GrainChain.FutureDate(3), 11);
        var later = GrainChain.At(GrainChain.FutureDate(), 11);
        var near = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c1")).Id, soon);
        var far = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c2")).Id, later);

        var lateCancel = await chain.Appointment(near.Value!.Id).Cancel("sick");
        var earlyCancel = await chain.Appointment(far.Value!.Id).Cancel("");
        var rebook = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c3")).Id, later);

        Assert.True(lateCancel.Value!.CancelledLate);
        Assert.Equal("sick", lateCancel.Value.CancelReason);
        Assert.False(earlyCancel.Value!.CancelledLate);
        Assert.True(rebook.IsOk, rebook.Refusal?.Message);
    }

    [Fact]
    public async Task Reschedule_is_atomic_the_old_slot_is_kept_when_the_new_one_is_taken()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var therapist = await chain.Therapist("t", clinic.Id);
        var date = GrainChain.FutureDate();
        var mine = (await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c1")).Id, GrainChain.At(date, 9))).Value!;
        var other = (await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c2")).Id, GrainChain.At(date, 13))).Value!;

        var refused = await chain.Appointment(mine.Id).Reschedule(new RescheduleRequest(other.Start));
        var intruder = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c3")).Id, mine.Start);
        var moved = await chain.Appointment(mine.Id).Reschedule(new RescheduleRequest(GrainChain.At(date, 15)));
        var freed = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c4")).Id, mine.Start);

        Assert.Equal(RefusalReason.TherapistBusy, refused.Refusal?.Reason);
        Assert.Equal(RefusalReason.TherapistBusy, intruder.Refusal?.Reason);
        Assert.True(moved.IsOk, moved.Refusal?.Message);
        Assert.Equal(GrainChain.At(date, 15), moved.Value!.Start);
        Assert.True(freed.IsOk, freed.Refusal?.Message);
    }

    [Fact]
    public async Task Moving_within_its_own_slot_does_not_conflict_with_itself()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a", rooms: 1);
        var therapist = await chain.Therapist("t", clinic.Id);
        var date = GrainChain.FutureDate();
        var mine = (await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c1")).Id, GrainChain.At(date, 9))).Value!;

        var moved = await chain.Appointment(mine.Id).Reschedule(new RescheduleRequest(GrainChain.At(date, 9, 30)));

        Assert.True(moved.IsOk, moved.Refusal?.Message);
    }

    [Fact]
    public async Task Availability_does_not_offer_booked_time_and_booking_an_offered_slot_succeeds()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a", rooms: 1);
        var therapist = await chain.Therapist("t", clinic.Id);
        var date = GrainChain.FutureDate();
        Assert.True((await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c1")).Id, GrainChain.At(date, 10))).IsOk);

        var search = await fixture.Grains.GetGrain<IBookingGrain>(0).SearchAvailability(new AvailabilityRequest(clinic.Id, GrainChain.Nmt60, date, date));

        var slots = search.Value!;
        Assert.DoesNotContain(slots, s => new Interval(s.Start, s.End + Duration.FromMinutes(15)).Overlaps(new Interval(GrainChain.At(date, 10), GrainChain.At(date, 11, 15))));
        Assert.Contains(slots, s => s.Start == GrainChain.At(date, 11, 15));
        Assert.Equal(new LocalDateTime(date.Year, date.Month, date.Day, 8, 0), slots[0].LocalStart);
        var offered = slots[^1];
        var booked = await chain.Book(clinic.Id, offered.TherapistId, (await chain.Client("c2")).Id, offered.Start);
        Assert.True(booked.IsOk, booked.Refusal?.Message);
        Assert.Equal(offered.RoomId, booked.Value!.RoomId);
    }

    [Fact]
    public async Task Calendars_rebuild_from_the_ledger_when_activated()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a", rooms: 1);
        var therapist = await chain.Therapist("t", clinic.Id);
        var client = await chain.Client("c");
        var date = GrainChain.FutureDate(40);
        var start = GrainChain.At(date, 10);
        var direct = await fixture.Ledger.InsertAsync(new NmtPractice.Persistence.NewAppointment(
            Guid.NewGuid(), Guid.NewGuid().ToString(), clinic.Id, therapist.Id, "r1", client.Id, GrainChain.Nmt60,
            start, start + Duration.FromHours(1), start + Duration.FromMinutes(75), AppointmentStatus.Booked, null), ClusterFixture.Clock.GetCurrentInstant());
        Assert.Equal(NmtPractice.Persistence.LedgerWriteKind.Inserted, direct.Kind);

        var search = await fixture.Grains.GetGrain<IBookingGrain>(0).SearchAvailability(new AvailabilityRequest(clinic.Id, GrainChain.Nmt60, date, date));
        var refused = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c2")).Id, start);

        Assert.DoesNotContain(search.Value!, s => s.Start == start);
        Assert.Equal(RefusalReason.TherapistBusy, refused.Refusal?.Reason);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class SerializationTests(ClusterFixture fixture)
{
    [Fact]
    public void Domain_records_are_passed_by_reference_within_a_silo_and_round_trip_between_silos()
    {
        var services = ((Orleans.TestingHost.InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;
        var clinic = new Clinic("x", "X", "", "Europe/London", [new OpeningRange(IsoDayOfWeek.Monday, GrainChain.Open)], [], Duration.FromHours(24),
            [new Room("r1", "Room", ["quiet"], [])], [GrainChain.Nmt60Service]);

        var copy = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Orleans.Serialization.DeepCopier>(services).Copy(clinic);
        var serializer = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Orleans.Serialization.Serializer>(services);
        var roundTrip = serializer.Deserialize<Clinic>(serializer.SerializeToArray(clinic));

        Assert.Same(clinic, copy);
        Assert.NotNull(roundTrip);
        Assert.Equal(clinic.Rooms[0].Features, roundTrip.Rooms[0].Features);
        Assert.Equal(clinic.Services[0].Duration, roundTrip.Services[0].Duration);
        Assert.Equal(clinic.OpeningHours[0].Hours, roundTrip.OpeningHours[0].Hours);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class CoordinatorFailureTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Reservations_of_a_coordinator_that_died_expire_by_themselves()
    {
        var chain = new GrainChain(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);
        var clinic = await chain.Clinic("a", rooms: 1);
        var therapist = await chain.Therapist("t", clinic.Id);
        var date = GrainChain.FutureDate();
        var start = GrainChain.At(date, 10);
        var treatment = new Interval(start, start + Duration.FromHours(1));
        // A coordinator reserves the therapist and the only room, then dies before writing the ledger.
        var orphan = Guid.NewGuid();
        var tentative = new Tentative(orphan, orphan, ClusterFixture.Clock.GetCurrentInstant() + Reservations.TentativeLifetime, null, "orphan");
        Assert.Null(await fixture.Grains.GetGrain<ITherapistDayGrain>(GrainKeys.TherapistDay(therapist.Id, date)).Reserve(clinic.Id, treatment, TravelMatrix.Standard, tentative));
        Assert.NotNull((await fixture.Grains.GetGrain<IClinicDayGrain>(GrainKeys.ClinicDay(clinic.Id, date)).Reserve(clinic, GrainChain.Nmt60, null, treatment, tentative)).RoomId);

        var whileReserved = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c1")).Id, start);
        ClusterFixture.Clock.Advance(Reservations.TentativeLifetime + Duration.FromSeconds(1));
        var afterExpiry = await chain.Book(clinic.Id, therapist.Id, (await chain.Client("c2")).Id, start);

        Assert.Equal(RefusalReason.TherapistBusy, whileReserved.Refusal?.Reason);
        Assert.True(afterExpiry.IsOk, afterExpiry.Refusal?.Message);
        Assert.Null(await fixture.Ledger.GetAsync(orphan));
    }
}

[Collection(ClusterCollection.Name)]
public sealed class StateTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Configuration_survives_deactivation_and_is_read_back_from_storage()
    {
        var chain = new GrainChain(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);
        var clinic = await chain.Clinic("a", "America/New_York");
        var clinicGrain = fixture.Grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinic.Id));
        await clinicGrain.UpsertRoom(new Room("r9", "Room 9", ["quiet", "wheelchair-access"], []));
        await clinicGrain.AddClosure(new Closure(new DateRange(new LocalDate(2027, 7, 4), new LocalDate(2027, 7, 4)), "Independence Day"));
        var therapist = await chain.Therapist("t", clinic.Id);
        var therapistGrain = fixture.Grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapist.Id));
        var now = ClusterFixture.Clock.GetCurrentInstant();
        await therapistGrain.AddException(new RosterException("leave-1", RosterExceptionKind.Leave, new Interval(now, now + Duration.FromDays(2)), null, "holiday"));
        var before = (await clinicGrain.Get())!;

        await fixture.Grains.GetGrain<Orleans.Runtime.IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var after = (await clinicGrain.Get())!;
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(before, Serialization.JsonOptions), System.Text.Json.JsonSerializer.Serialize(after, Serialization.JsonOptions));
        Assert.Equal("America/New_York", after.TimeZoneId);
        Assert.Contains(after.Rooms, r => r.Id == "r9" && r.Features.Contains("wheelchair-access"));
        Assert.Equal("holiday", Assert.Single((await therapistGrain.Get())!.Exceptions).Note);
        Assert.Contains(therapist.Id, await clinicGrain.RosteredTherapists());
    }
}
