using Google.Rpc;
using NmtPractice.Api.Grpc;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// Every RPC with missing, malformed, unknown and out-of-range input: the right status code, the field named in the
/// BadRequest details for INVALID_ARGUMENT, a stable ErrorInfo reason otherwise, and nothing changed afterwards.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BadInputTests(ApiServerFixture api)
{
    private static readonly string Huge = new('x', 100 * 1024);
    private static readonly string Unknown = "no-such-thing";
    private static readonly string UnknownAppointment = Guid.NewGuid().ToString();

    private sealed record Case(string Name, Func<Task> Call, StatusCode Code, string? Field = null, string? Reason = null);

    [Fact]
    public async Task Bad_input_to_every_rpc_is_refused_with_the_field_named_and_changes_nothing()
    {
        var chain = new ApiChain(api, "bad");
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        var client = await chain.RegisterClientAsync("client");
        var other = await chain.RegisterClientAsync("other");
        var date = chain.Date(3);
        var appointment = await api.Bookings.BookAsync(new BookRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = client.ClientId,
            TherapistId = chain.TherapistId, Start = ApiChain.At(date, 11),
        });
        var before = await SnapshotAsync(chain, client.ClientId, appointment.AppointmentId, date);

        var failures = new List<string>();
        foreach (var c in Cases(chain, client.ClientId, other.ClientId, appointment, date))
        {
            try
            {
                await c.Call();
                failures.Add($"{c.Name}: succeeded, expected {c.Code}");
                continue;
            }
            catch (RpcException e)
            {
                if (e.StatusCode != c.Code)
                {
                    failures.Add($"{c.Name}: {e.StatusCode} ({e.Status.Detail}), expected {c.Code}");
                    continue;
                }
                if (c.Code == StatusCode.Unimplemented)
                {
                    continue;
                }
                var info = e.Detail<ErrorInfo>();
                if (info is null || info.Domain != ApiErrors.Domain)
                {
                    failures.Add($"{c.Name}: no ErrorInfo in the status details");
                }
                if (c.Field is not null && !e.ViolatedFields().Contains(c.Field))
                {
                    failures.Add($"{c.Name}: field violations [{string.Join(", ", e.ViolatedFields())}], expected {c.Field}");
                }
                if (c.Reason is not null && info?.Reason != c.Reason)
                {
                    failures.Add($"{c.Name}: reason {info?.Reason}, expected {c.Reason}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        var after = await SnapshotAsync(chain, client.ClientId, appointment.AppointmentId, date);
        Assert.Equal(before, after);
    }

    private async Task<IReadOnlyList<Google.Protobuf.IMessage>> SnapshotAsync(ApiChain chain, string clientId, string appointmentId, LocalDate date) =>
    [
        await api.Clinics.GetClinicAsync(new GetClinicRequest { ClinicId = chain.ClinicId }),
        await api.Clinics.ListClinicsAsync(new ListClinicsRequest { PageSize = 500 }),
        await api.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = chain.TherapistId }),
        await api.Staff.ListTherapistsAsync(new ListTherapistsRequest { PageSize = 500 }),
        await api.Staff.GetTravelTimesAsync(new GetTravelTimesRequest()),
        await api.Clients.GetClientAsync(new GetClientRequest { ClientId = clientId }),
        await api.Bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = appointmentId }),
        await api.Bookings.ListClinicDayAsync(new ListClinicDayRequest { ClinicId = chain.ClinicId, Date = ApiChain.Iso(date) }),
        await api.Bookings.ListClientAppointmentsAsync(new ListClientAppointmentsRequest { ClientId = clientId }),
    ];

    private IEnumerable<Case> Cases(ApiChain chain, string clientId, string otherClientId, Appointment appointment, LocalDate date)
    {
        var clinics = api.Clinics;
        var staff = api.Staff;
        var clients = api.Clients;
        var bookings = api.Bookings;
        var clinicId = chain.ClinicId;
        var therapistId = chain.TherapistId;
        const StatusCode Invalid = StatusCode.InvalidArgument;
        const StatusCode NotFound = StatusCode.NotFound;
        const StatusCode Precondition = StatusCode.FailedPrecondition;

        CreateClinicRequest NewClinic(Action<CreateClinicRequest> change)
        {
            var r = new CreateClinicRequest
            {
                ClinicId = chain.Id("new-clinic"), Name = "New", TimeZone = "Europe/London",
                OpeningHours = { new V1.OpeningRange { Day = V1.DayOfWeek.Monday, Start = "09:00", End = "17:00" } },
            };
            change(r);
            return r;
        }
        CreateTherapistRequest NewTherapist(Action<CreateTherapistRequest> change)
        {
            var r = new CreateTherapistRequest
            {
                TherapistId = chain.Id("new-therapist"), Name = "New",
                Rosters = { new V1.Roster { ClinicId = clinicId, CycleWeeks = 2, AnchorDate = "2026-01-05", Shifts = { new RosterShift { Week = 1, Day = V1.DayOfWeek.Monday, Start = "09:00", End = "17:00" } } } },
            };
            change(r);
            return r;
        }
        BookRequest NewBooking(Action<BookRequest> change)
        {
            var r = new BookRequest
            {
                RequestId = ApiChain.NewRequestId(), ClinicId = clinicId, ServiceId = ApiChain.FollowUp, ClientId = otherClientId,
                TherapistId = therapistId, Start = ApiChain.At(date, 15),
            };
            change(r);
            return r;
        }
        V1.Client NewClient(Action<V1.Client> change)
        {
            var c = new V1.Client { ClientId = chain.Id("new-client"), GivenName = "New", FamilyName = "Client" };
            change(c);
            return c;
        }
        SearchAvailabilityRequest NewSearch(Action<SearchAvailabilityRequest> change)
        {
            var r = new SearchAvailabilityRequest { ClinicId = clinicId, ServiceId = ApiChain.FollowUp, FromDate = ApiChain.Iso(date), ToDate = ApiChain.Iso(date) };
            change(r);
            return r;
        }

        // ClinicService
        yield return new("CreateClinic without id", async () => await clinics.CreateClinicAsync(NewClinic(r => r.ClinicId = "")), Invalid, "clinic_id");
        yield return new("CreateClinic with a malformed id", async () => await clinics.CreateClinicAsync(NewClinic(r => r.ClinicId = "a b")), Invalid, "clinic_id");
        yield return new("CreateClinic without name", async () => await clinics.CreateClinicAsync(NewClinic(r => r.Name = " ")), Invalid, "name");
        yield return new("CreateClinic with a 100 KB name", async () => await clinics.CreateClinicAsync(NewClinic(r => r.Name = Huge)), Invalid, "name");
        yield return new("CreateClinic with a 100 KB address", async () => await clinics.CreateClinicAsync(NewClinic(r => r.Address = Huge)), Invalid, "address");
        yield return new("CreateClinic with an unknown zone", async () => await clinics.CreateClinicAsync(NewClinic(r => r.TimeZone = "Mars/Olympus_Mons")), Invalid, "time_zone");
        yield return new("CreateClinic without zone", async () => await clinics.CreateClinicAsync(NewClinic(r => r.TimeZone = "")), Invalid, "time_zone");
        yield return new("CreateClinic with an unspecified day", async () => await clinics.CreateClinicAsync(NewClinic(r => r.OpeningHours[0].Day = V1.DayOfWeek.Unspecified)), Invalid, "opening_hours[0].day");
        yield return new("CreateClinic with a malformed time", async () => await clinics.CreateClinicAsync(NewClinic(r => r.OpeningHours[0].Start = "9am")), Invalid, "opening_hours[0].start");
        yield return new("CreateClinic with hours ending before they start", async () => await clinics.CreateClinicAsync(NewClinic(r => r.OpeningHours[0].End = "08:00")), Invalid, "opening_hours[0].end");
        yield return new("CreateClinic with a negative cancellation window", async () => await clinics.CreateClinicAsync(NewClinic(r => r.CancellationWindowMinutes = -5)), Invalid, "cancellation_window_minutes");
        yield return new("CreateClinic with a room without id", async () => await clinics.CreateClinicAsync(NewClinic(r => r.Rooms.Add(new V1.Room { Name = "x" }))), Invalid, "rooms[0].room_id");
        yield return new("CreateClinic with a zero-minute service", async () => await clinics.CreateClinicAsync(NewClinic(r => r.Services.Add(new V1.Service { ServiceId = "s", Name = "s" }))), Invalid, "services[0].duration_minutes");
        yield return new("CreateClinic that exists", async () => await clinics.CreateClinicAsync(NewClinic(r => r.ClinicId = clinicId)), StatusCode.AlreadyExists, Reason: "ALREADY_EXISTS");
        yield return new("UpdateClinic of an unknown clinic", async () => await clinics.UpdateClinicAsync(new UpdateClinicRequest { ClinicId = Unknown, Name = "x" }), NotFound, Reason: "NOT_FOUND");
        yield return new("UpdateClinic with an empty name", async () => await clinics.UpdateClinicAsync(new UpdateClinicRequest { ClinicId = clinicId, Name = "" }), Invalid, "name");
        yield return new("UpdateClinic with a 15-day window", async () => await clinics.UpdateClinicAsync(new UpdateClinicRequest { ClinicId = clinicId, CancellationWindowMinutes = 15 * 1440 }), Invalid, "cancellation_window_minutes");
        yield return new("UpdateClinic with a 100 KB request id", async () => await clinics.UpdateClinicAsync(new UpdateClinicRequest { RequestId = Huge, ClinicId = clinicId, Name = "x" }), Invalid, "request_id");
        yield return new("GetClinic of an unknown clinic", async () => await clinics.GetClinicAsync(new GetClinicRequest { ClinicId = Unknown }), NotFound);
        yield return new("GetClinic without id", async () => await clinics.GetClinicAsync(new GetClinicRequest()), Invalid, "clinic_id");
        yield return new("ListClinics with page_size 501", async () => await clinics.ListClinicsAsync(new ListClinicsRequest { PageSize = 501 }), Invalid, "page_size");
        yield return new("ListClinics with a negative page_size", async () => await clinics.ListClinicsAsync(new ListClinicsRequest { PageSize = -1 }), Invalid, "page_size");
        yield return new("ListClinics with a forged page_token", async () => await clinics.ListClinicsAsync(new ListClinicsRequest { PageToken = "not a token" }), Invalid, "page_token");
        yield return new("UpsertRoom at an unknown clinic", async () => await clinics.UpsertRoomAsync(new UpsertRoomRequest { ClinicId = Unknown, RoomId = "r9", Name = "x" }), NotFound);
        yield return new("UpsertRoom without room id", async () => await clinics.UpsertRoomAsync(new UpsertRoomRequest { ClinicId = clinicId, Name = "x" }), Invalid, "room_id");
        yield return new("UpsertRoom with a malformed feature", async () => await clinics.UpsertRoomAsync(new UpsertRoomRequest { ClinicId = clinicId, RoomId = "r9", Name = "x", Features = { "Hydraulic Table" } }), Invalid, "features[0]");
        yield return new("UpsertRoom with a 100 KB feature", async () => await clinics.UpsertRoomAsync(new UpsertRoomRequest { ClinicId = clinicId, RoomId = "r9", Name = "x", Features = { Huge } }), Invalid, "features[0]");
        yield return new("SetRoomOutOfService of an unknown room", async () => await clinics.SetRoomOutOfServiceAsync(new SetRoomOutOfServiceRequest { ClinicId = clinicId, RoomId = "r9", Start = ApiChain.At(date, 9), End = ApiChain.At(date, 10) }), NotFound);
        yield return new("SetRoomOutOfService without start", async () => await clinics.SetRoomOutOfServiceAsync(new SetRoomOutOfServiceRequest { ClinicId = clinicId, RoomId = "r1", End = ApiChain.At(date, 10) }), Invalid, "start");
        yield return new("SetRoomOutOfService ending before it starts", async () => await clinics.SetRoomOutOfServiceAsync(new SetRoomOutOfServiceRequest { ClinicId = clinicId, RoomId = "r1", Start = ApiChain.At(date, 10), End = ApiChain.At(date, 9) }), Invalid, "end");
        yield return new("SetRoomOutOfService in the year 1900", async () => await clinics.SetRoomOutOfServiceAsync(new SetRoomOutOfServiceRequest { ClinicId = clinicId, RoomId = "r1", Start = new Timestamp { Seconds = -2208988800 }, End = ApiChain.At(date, 9) }), Invalid, "start");
        yield return new("UpsertService without service", async () => await clinics.UpsertServiceAsync(new UpsertServiceRequest { ClinicId = clinicId }), Invalid, "service");
        yield return new("UpsertService with 0 minutes", async () => await clinics.UpsertServiceAsync(new UpsertServiceRequest { ClinicId = clinicId, Service = new V1.Service { ServiceId = "s", Name = "s" } }), Invalid, "service.duration_minutes");
        yield return new("UpsertService with a 1000-minute turnover", async () => await clinics.UpsertServiceAsync(new UpsertServiceRequest { ClinicId = clinicId, Service = new V1.Service { ServiceId = "s", Name = "s", DurationMinutes = 30, TurnoverMinutes = 1000 } }), Invalid, "service.turnover_minutes");
        yield return new("UpsertService with a negative price", async () => await clinics.UpsertServiceAsync(new UpsertServiceRequest { ClinicId = clinicId, Service = new V1.Service { ServiceId = "s", Name = "s", DurationMinutes = 30, PriceMinor = -1 } }), Invalid, "service.price_minor");
        yield return new("UpsertService at an unknown clinic", async () => await clinics.UpsertServiceAsync(new UpsertServiceRequest { ClinicId = Unknown, Service = new V1.Service { ServiceId = "s", Name = "s", DurationMinutes = 30 } }), NotFound);
        yield return new("SetOpeningHours with 25:00", async () => await clinics.SetOpeningHoursAsync(new SetOpeningHoursRequest { ClinicId = clinicId, OpeningHours = { new V1.OpeningRange { Day = V1.DayOfWeek.Monday, Start = "25:00", End = "26:00" } } }), Invalid, "opening_hours[0].start");
        yield return new("SetOpeningHours at an unknown clinic", async () => await clinics.SetOpeningHoursAsync(new SetOpeningHoursRequest { ClinicId = Unknown }), NotFound);
        yield return new("AddClosure without closure", async () => await clinics.AddClosureAsync(new AddClosureRequest { ClinicId = clinicId }), Invalid, "closure");
        yield return new("AddClosure with month 13", async () => await clinics.AddClosureAsync(new AddClosureRequest { ClinicId = clinicId, Closure = new V1.Closure { FirstDate = "2026-13-01", LastDate = "2026-13-01" } }), Invalid, "closure.first_date");
        yield return new("AddClosure ending before it starts", async () => await clinics.AddClosureAsync(new AddClosureRequest { ClinicId = clinicId, Closure = new V1.Closure { FirstDate = "2026-12-25", LastDate = "2026-12-24" } }), Invalid, "closure.last_date");
        yield return new("RemoveClosure that does not exist", async () => await clinics.RemoveClosureAsync(new RemoveClosureRequest { ClinicId = clinicId, FirstDate = "2026-12-25", LastDate = "2026-12-25" }), NotFound);
        yield return new("RemoveClosure with a malformed date", async () => await clinics.RemoveClosureAsync(new RemoveClosureRequest { ClinicId = clinicId, FirstDate = "25/12/2026", LastDate = "2026-12-25" }), Invalid, "first_date");

        // StaffService
        yield return new("CreateTherapist without id", async () => await staff.CreateTherapistAsync(NewTherapist(r => r.TherapistId = "")), Invalid, "therapist_id");
        yield return new("CreateTherapist with a 100 KB name", async () => await staff.CreateTherapistAsync(NewTherapist(r => r.Name = Huge)), Invalid, "name");
        yield return new("CreateTherapist rostered at an unknown clinic", async () => await staff.CreateTherapistAsync(NewTherapist(r => r.Rosters[0].ClinicId = Unknown)), NotFound);
        yield return new("CreateTherapist with a 0-week cycle", async () => await staff.CreateTherapistAsync(NewTherapist(r => r.Rosters[0].CycleWeeks = 0)), Invalid, "rosters[0].cycle_weeks");
        yield return new("CreateTherapist with a shift outside the cycle", async () => await staff.CreateTherapistAsync(NewTherapist(r => r.Rosters[0].Shifts[0].Week = 2)), Invalid, "rosters[0].shifts[0].week");
        yield return new("CreateTherapist with an unspecified shift day", async () => await staff.CreateTherapistAsync(NewTherapist(r => r.Rosters[0].Shifts[0].Day = V1.DayOfWeek.Unspecified)), Invalid, "rosters[0].shifts[0].day");
        yield return new("CreateTherapist without anchor date", async () => await staff.CreateTherapistAsync(NewTherapist(r => r.Rosters[0].AnchorDate = "")), Invalid, "rosters[0].anchor_date");
        yield return new("CreateTherapist that exists", async () => await staff.CreateTherapistAsync(NewTherapist(r => r.TherapistId = therapistId)), StatusCode.AlreadyExists);
        yield return new("GetTherapist of an unknown therapist", async () => await staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = Unknown }), NotFound);
        yield return new("ListTherapists at an unknown clinic", async () => await staff.ListTherapistsAsync(new ListTherapistsRequest { ClinicId = Unknown }), NotFound);
        yield return new("ListTherapists with page_size 1000", async () => await staff.ListTherapistsAsync(new ListTherapistsRequest { PageSize = 1000 }), Invalid, "page_size");
        yield return new("SetQualifications with a malformed expiry", async () => await staff.SetQualificationsAsync(new SetQualificationsRequest { TherapistId = therapistId, Qualifications = { new V1.Qualification { Code = "nmt-certified", ExpiresOn = "next year" } } }), Invalid, "qualifications[0].expires_on");
        yield return new("SetQualifications of an unknown therapist", async () => await staff.SetQualificationsAsync(new SetQualificationsRequest { TherapistId = Unknown }), NotFound);
        yield return new("SetRosters of an unknown therapist", async () => await staff.SetRostersAsync(new SetRostersRequest { TherapistId = Unknown }), NotFound);
        yield return new("SetRosters with a 13-week cycle", async () => await staff.SetRostersAsync(new SetRostersRequest { TherapistId = therapistId, Rosters = { new V1.Roster { ClinicId = clinicId, CycleWeeks = 13, AnchorDate = "2026-01-05" } } }), Invalid, "rosters[0].cycle_weeks");
        yield return new("AddRosterException without exception", async () => await staff.AddRosterExceptionAsync(new AddRosterExceptionRequest { TherapistId = therapistId }), Invalid, "exception");
        yield return new("AddRosterException of unspecified kind", async () => await staff.AddRosterExceptionAsync(new AddRosterExceptionRequest { TherapistId = therapistId, Exception = new V1.RosterException { ExceptionId = "x", Start = ApiChain.At(date, 9), End = ApiChain.At(date, 10) } }), Invalid, "exception.kind");
        yield return new("AddRosterException: extra shift without clinic", async () => await staff.AddRosterExceptionAsync(new AddRosterExceptionRequest { TherapistId = therapistId, Exception = new V1.RosterException { ExceptionId = "x", Kind = RosterExceptionKind.ExtraShift, Start = ApiChain.At(date, 9), End = ApiChain.At(date, 10) } }), Invalid, "exception.clinic_id");
        yield return new("AddRosterException without end", async () => await staff.AddRosterExceptionAsync(new AddRosterExceptionRequest { TherapistId = therapistId, Exception = new V1.RosterException { ExceptionId = "x", Kind = RosterExceptionKind.Leave, Start = ApiChain.At(date, 9) } }), Invalid, "exception.end");
        yield return new("AddRosterException of an unknown therapist", async () => await staff.AddRosterExceptionAsync(new AddRosterExceptionRequest { TherapistId = Unknown, Exception = new V1.RosterException { ExceptionId = "x", Kind = RosterExceptionKind.Leave, Start = ApiChain.At(date, 9), End = ApiChain.At(date, 10) } }), NotFound);
        yield return new("RemoveRosterException that does not exist", async () => await staff.RemoveRosterExceptionAsync(new RemoveRosterExceptionRequest { TherapistId = therapistId, ExceptionId = "nope" }), NotFound);
        yield return new("SetTravelTimes without travel times", async () => await staff.SetTravelTimesAsync(new SetTravelTimesRequest()), Invalid, "travel_times");
        yield return new("SetTravelTimes with a negative default", async () => await staff.SetTravelTimesAsync(new SetTravelTimesRequest { TravelTimes = new TravelTimes { DefaultMinutes = -1 } }), Invalid, "travel_times.default_minutes");
        yield return new("SetTravelTimes with a malformed clinic", async () => await staff.SetTravelTimesAsync(new SetTravelTimesRequest { TravelTimes = new TravelTimes { DefaultMinutes = 30, Pairs = { new TravelTime { ClinicA = "a b", ClinicB = clinicId, Minutes = 5 } } } }), Invalid, "travel_times.pairs[0].clinic_a");

        // ClientService
        yield return new("RegisterClient without client", async () => await clients.RegisterClientAsync(new RegisterClientRequest()), Invalid, "client");
        yield return new("RegisterClient without family name", async () => await clients.RegisterClientAsync(new RegisterClientRequest { Client = NewClient(c => c.FamilyName = "") }), Invalid, "client.family_name");
        yield return new("RegisterClient with a 100 KB family name", async () => await clients.RegisterClientAsync(new RegisterClientRequest { Client = NewClient(c => c.FamilyName = Huge) }), Invalid, "client.family_name");
        yield return new("RegisterClient with a malformed e-mail", async () => await clients.RegisterClientAsync(new RegisterClientRequest { Client = NewClient(c => c.Email = "nobody") }), Invalid, "client.email");
        yield return new("RegisterClient with letters in the phone", async () => await clients.RegisterClientAsync(new RegisterClientRequest { Client = NewClient(c => c.Phone = "call me") }), Invalid, "client.phone");
        yield return new("RegisterClient with a malformed birth date", async () => await clients.RegisterClientAsync(new RegisterClientRequest { Client = NewClient(c => c.DateOfBirth = "1990-02-30") }), Invalid, "client.date_of_birth");
        yield return new("RegisterClient that exists", async () => await clients.RegisterClientAsync(new RegisterClientRequest { Client = NewClient(c => c.ClientId = clientId) }), StatusCode.AlreadyExists);
        yield return new("GetClient of an unknown client", async () => await clients.GetClientAsync(new GetClientRequest { ClientId = Unknown }), NotFound);
        yield return new("UpdateClient of an unknown client", async () => await clients.UpdateClientAsync(new UpdateClientRequest { Client = NewClient(c => c.ClientId = Unknown) }), NotFound);
        yield return new("UpdateClient with a malformed e-mail", async () => await clients.UpdateClientAsync(new UpdateClientRequest { Client = NewClient(c => { c.ClientId = clientId; c.Email = "a@b@c"; }) }), Invalid, "client.email");
        yield return new("SearchClients without any criterion", async () => await clients.SearchClientsAsync(new SearchClientsRequest { Query = "  " }), Invalid, "query");
        yield return new("SearchClients with a phone without digits", async () => await clients.SearchClientsAsync(new SearchClientsRequest { Phone = "--" }), Invalid, "phone");
        yield return new("SearchClients with a huge name", async () => await clients.SearchClientsAsync(new SearchClientsRequest { Name = new string('n', 300) }), Invalid, "name");
        yield return new("SearchClients with a forged page token", async () => await clients.SearchClientsAsync(new SearchClientsRequest { Name = "x", PageToken = "bm90LWEtdG9rZW4" }), Invalid, "page_token");

        // BookingService
        yield return new("SearchAvailability without from_date", async () => await bookings.SearchAvailabilityAsync(NewSearch(r => r.FromDate = "")), Invalid, "from_date");
        yield return new("SearchAvailability ending before it starts", async () => await bookings.SearchAvailabilityAsync(NewSearch(r => r.ToDate = ApiChain.Iso(date.PlusDays(-1)))), Invalid, "to_date");
        yield return new("SearchAvailability over 40 days", async () => await bookings.SearchAvailabilityAsync(NewSearch(r => r.ToDate = ApiChain.Iso(date.PlusDays(40)))), Invalid, "to_date");
        yield return new("SearchAvailability with a 3-minute grid", async () => await bookings.SearchAvailabilityAsync(NewSearch(r => r.GridMinutes = 3)), Invalid, "grid_minutes");
        yield return new("SearchAvailability at an unknown clinic", async () => await bookings.SearchAvailabilityAsync(NewSearch(r => r.ClinicId = Unknown)), NotFound);
        yield return new("SearchAvailability of an unknown service", async () => await bookings.SearchAvailabilityAsync(NewSearch(r => r.ServiceId = Unknown)), NotFound);
        yield return new("SearchAvailability with a forged page_token", async () => await bookings.SearchAvailabilityAsync(NewSearch(r => r.PageToken = "AAAA")), Invalid, "page_token");
        yield return new("Book without request_id", async () => await bookings.BookAsync(NewBooking(r => r.RequestId = "")), Invalid, "request_id");
        yield return new("Book with a 100 KB request_id", async () => await bookings.BookAsync(NewBooking(r => r.RequestId = Huge)), Invalid, "request_id");
        yield return new("Book without start", async () => await bookings.BookAsync(NewBooking(r => r.Start = null)), Invalid, "start");
        yield return new("Book with invalid nanoseconds", async () => await bookings.BookAsync(NewBooking(r => r.Start = new Timestamp { Seconds = r.Start.Seconds, Nanos = -1 })), Invalid, "start");
        yield return new("Book for an unknown client", async () => await bookings.BookAsync(NewBooking(r => r.ClientId = Unknown)), NotFound);
        yield return new("Book with an unknown therapist", async () => await bookings.BookAsync(NewBooking(r => r.TherapistId = Unknown)), NotFound);
        yield return new("Book in an unknown room", async () => await bookings.BookAsync(NewBooking(r => r.RoomId = "r9")), NotFound);
        yield return new("Book in the past", async () => await bookings.BookAsync(NewBooking(r => r.Start = ApiChain.At(chain.Date(-2), 10))), Precondition, Reason: "IN_THE_PAST");
        yield return new("Book the therapist's taken slot", async () => await bookings.BookAsync(NewBooking(r => r.Start = appointment.Start)), Precondition, Reason: "THERAPIST_BUSY");
        yield return new("Book the client's taken slot", async () => await bookings.BookAsync(NewBooking(r => { r.ClientId = clientId; r.TherapistId = ""; r.Start = appointment.Start; })), Precondition);
        yield return new("Book a room that lacks the table", async () => await bookings.BookAsync(NewBooking(r => r.RoomId = "r3")), Precondition, Reason: "ROOM_LACKS_FEATURES");
        yield return new("Hold for 61 minutes", async () => await bookings.HoldAsync(new HoldRequest { RequestId = ApiChain.NewRequestId(), ClinicId = clinicId, ServiceId = ApiChain.FollowUp, ClientId = otherClientId, Start = ApiChain.At(date, 15), HoldMinutes = 61 }), Invalid, "hold_minutes");
        yield return new("Hold without client", async () => await bookings.HoldAsync(new HoldRequest { RequestId = ApiChain.NewRequestId(), ClinicId = clinicId, ServiceId = ApiChain.FollowUp, Start = ApiChain.At(date, 15) }), Invalid, "client_id");
        yield return new("ConfirmHold with a malformed id", async () => await bookings.ConfirmHoldAsync(new ConfirmHoldRequest { AppointmentId = "42" }), Invalid, "appointment_id");
        yield return new("ConfirmHold of an unknown appointment", async () => await bookings.ConfirmHoldAsync(new ConfirmHoldRequest { AppointmentId = UnknownAppointment }), NotFound);
        yield return new("ConfirmHold of a booked appointment", async () => await bookings.ConfirmHoldAsync(new ConfirmHoldRequest { AppointmentId = appointment.AppointmentId }), Precondition, Reason: "INVALID_STATUS_TRANSITION");
        yield return new("Reschedule without new_start", async () => await bookings.RescheduleAsync(new RescheduleRequest { AppointmentId = appointment.AppointmentId }), Invalid, "new_start");
        yield return new("Reschedule an unknown appointment", async () => await bookings.RescheduleAsync(new RescheduleRequest { AppointmentId = UnknownAppointment, NewStart = ApiChain.At(date, 16) }), NotFound);
        yield return new("Reschedule into the past", async () => await bookings.RescheduleAsync(new RescheduleRequest { AppointmentId = appointment.AppointmentId, NewStart = ApiChain.At(chain.Date(-2), 10) }), Precondition, Reason: "IN_THE_PAST");
        yield return new("Cancel with a 300-character reason", async () => await bookings.CancelAsync(new CancelRequest { AppointmentId = appointment.AppointmentId, Reason = new string('r', 300) }), Invalid, "reason");
        yield return new("Cancel without id", async () => await bookings.CancelAsync(new CancelRequest()), Invalid, "appointment_id");
        yield return new("CheckIn of an unknown appointment", async () => await bookings.CheckInAsync(new CheckInRequest { AppointmentId = UnknownAppointment }), NotFound);
        yield return new("Complete a booked (not arrived) appointment", async () => await bookings.CompleteAsync(new CompleteRequest { AppointmentId = appointment.AppointmentId }), Precondition, Reason: "INVALID_STATUS_TRANSITION");
        yield return new("MarkNoShow before the start", async () => await bookings.MarkNoShowAsync(new MarkNoShowRequest { AppointmentId = appointment.AppointmentId }), Precondition, Reason: "INVALID_STATUS_TRANSITION");
        yield return new("GetAppointment with a malformed id", async () => await bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = Huge }), Invalid, "appointment_id");
        yield return new("GetAppointment of an unknown appointment", async () => await bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = UnknownAppointment }), NotFound);
        yield return new("ListClinicDay with a malformed date", async () => await bookings.ListClinicDayAsync(new ListClinicDayRequest { ClinicId = clinicId, Date = "tomorrow" }), Invalid, "date");
        yield return new("ListClinicDay at an unknown clinic", async () => await bookings.ListClinicDayAsync(new ListClinicDayRequest { ClinicId = Unknown, Date = ApiChain.Iso(date) }), NotFound);
        yield return new("ListTherapistAppointments over 100 days", async () => await bookings.ListTherapistAppointmentsAsync(new ListTherapistAppointmentsRequest { TherapistId = therapistId, FromDate = ApiChain.Iso(date), ToDate = ApiChain.Iso(date.PlusDays(100)) }), Invalid, "to_date");
        yield return new("ListTherapistAppointments in an unknown zone", async () => await bookings.ListTherapistAppointmentsAsync(new ListTherapistAppointmentsRequest { TherapistId = therapistId, FromDate = ApiChain.Iso(date), ToDate = ApiChain.Iso(date), TimeZone = "Europe/Atlantis" }), Invalid, "time_zone");
        yield return new("ListTherapistAppointments of an unknown therapist", async () => await bookings.ListTherapistAppointmentsAsync(new ListTherapistAppointmentsRequest { TherapistId = Unknown, FromDate = ApiChain.Iso(date), ToDate = ApiChain.Iso(date) }), NotFound);
        yield return new("ListClientAppointments of an unknown client", async () => await bookings.ListClientAppointmentsAsync(new ListClientAppointmentsRequest { ClientId = Unknown }), NotFound);
        yield return new("ListClientAppointments with bounds reversed", async () => await bookings.ListClientAppointmentsAsync(new ListClientAppointmentsRequest { ClientId = clientId, StartFrom = ApiChain.At(date, 12), StartBefore = ApiChain.At(date, 11) }), Invalid, "start_before");
    }
}
