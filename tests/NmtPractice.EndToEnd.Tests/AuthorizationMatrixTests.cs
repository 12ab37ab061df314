using Google.Rpc;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NmtPractice.Api.Security;
using Caller = NmtPractice.Grains.Abstractions.Security.Caller;
using Role = NmtPractice.Grains.Abstractions.Security.Role;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// Every RPC of the API x every role, in and out of scope, with the exact outcome: passed the gate (an answer the
/// service gives: the requests are minimal, so a pass is often INVALID_ARGUMENT or NOT_FOUND; never INTERNAL, UNKNOWN or
/// UNAVAILABLE, which would be a fault hiding behind the gate),
/// PERMISSION_DENIED with ROLE_NOT_ALLOWED, or PERMISSION_DENIED with OUT_OF_SCOPE; and UNAUTHENTICATED without a token.
/// Two clinics: A (the scoped callers' own: its therapist, client and appointment) and B (somebody else's).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuthorizationMatrixTests(ApiServerFixture api)
{
    private static readonly SemaphoreSlim WorldLock = new(1, 1);
    private static World? _world;

    /// <summary>What a role gets: passes in and out of scope, passes only in scope, or refused for its role.</summary>
    private enum Gate
    {
        Pass,
        Scoped,
        Role,
    }

    private sealed record Side(string Clinic, string Therapist, string Client, string Appointment);

    private sealed record World(Side A, Side B, string Both, LocalDate Date);

    private sealed record Row(string Method, Gate Admin, Gate Manager, Gate Desk, Gate Therapist, Func<CallInvoker, Side, World, Task> Call)
    {
        /// <summary>An anonymous RPC (RpcPolicies.AnonymousRpcs): passes without a token too.</summary>
        public bool Anonymous { get; init; }
    }

    /// <summary>An RPC that every caller, and a caller without a token, passes.</summary>
    private static Row Anonymous(string method, Func<CallInvoker, Side, World, Task> call) =>
        new(method, Gate.Pass, Gate.Pass, Gate.Pass, Gate.Pass, call) { Anonymous = true };

    /// <summary>Gates "manager desk therapist" (chain-admin passes), or "admin manager desk therapist".</summary>
    private static Row R(string method, string gates, Func<CallInvoker, Side, World, Task> call)
    {
        var g = gates.Split(' ').Select(x => x switch { "P" => Gate.Pass, "S" => Gate.Scoped, "R" => Gate.Role, _ => throw new ArgumentException(x) }).ToArray();
        return g.Length == 4 ? new Row(method, g[0], g[1], g[2], g[3], call) : new Row(method, Gate.Pass, g[0], g[1], g[2], call);
    }

    private static async Task Drain(AsyncServerStreamingCall<CsvChunk> call)
    {
        using (call)
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        }
    }

    private static string Rid() => ApiChain.NewRequestId();

    /// <summary>Manager, front desk, therapist: P passes in and out of scope, S only in scope, R never (chain-admin always passes).</summary>
    private static IReadOnlyList<Row> Rows { get; } =
    [
        R("ClinicService/CreateClinic", "R R R", (c, s, _) => new ClinicService.ClinicServiceClient(c).CreateClinicAsync(new CreateClinicRequest { RequestId = Rid(), ClinicId = s.Clinic + "-new" }).ResponseAsync),
        R("ClinicService/UpdateClinic", "S R R", (c, s, _) => new ClinicService.ClinicServiceClient(c).UpdateClinicAsync(new UpdateClinicRequest { RequestId = Rid(), ClinicId = s.Clinic, Address = "2 High Street" }).ResponseAsync),
        R("ClinicService/GetClinic", "P P P", (c, s, _) => new ClinicService.ClinicServiceClient(c).GetClinicAsync(new GetClinicRequest { ClinicId = s.Clinic }).ResponseAsync),
        R("ClinicService/ListClinics", "P P P", (c, _, _) => new ClinicService.ClinicServiceClient(c).ListClinicsAsync(new ListClinicsRequest()).ResponseAsync),
        R("ClinicService/UpsertRoom", "S R R", (c, s, _) => new ClinicService.ClinicServiceClient(c).UpsertRoomAsync(new UpsertRoomRequest { RequestId = Rid(), ClinicId = s.Clinic, RoomId = "r9", Name = "Room 9" }).ResponseAsync),
        R("ClinicService/SetRoomOutOfService", "S R R", (c, s, _) => new ClinicService.ClinicServiceClient(c).SetRoomOutOfServiceAsync(new SetRoomOutOfServiceRequest { RequestId = Rid(), ClinicId = s.Clinic, RoomId = "r1" }).ResponseAsync),
        R("ClinicService/UpsertService", "S R R", (c, s, _) => new ClinicService.ClinicServiceClient(c).UpsertServiceAsync(new UpsertServiceRequest { RequestId = Rid(), ClinicId = s.Clinic }).ResponseAsync),
        R("ClinicService/SetOpeningHours", "S R R", (c, s, _) => new ClinicService.ClinicServiceClient(c).SetOpeningHoursAsync(new SetOpeningHoursRequest
        {
            RequestId = Rid(), ClinicId = s.Clinic, OpeningHours = { new V1.OpeningRange { Day = V1.DayOfWeek.Unspecified, Start = "09:00", End = "17:00" } },
        }).ResponseAsync),
        R("ClinicService/AddClosure", "S R R", (c, s, _) => new ClinicService.ClinicServiceClient(c).AddClosureAsync(new AddClosureRequest { RequestId = Rid(), ClinicId = s.Clinic }).ResponseAsync),
        R("ClinicService/RemoveClosure", "S R R", (c, s, _) => new ClinicService.ClinicServiceClient(c).RemoveClosureAsync(new RemoveClosureRequest { RequestId = Rid(), ClinicId = s.Clinic, FirstDate = "2099-01-01", LastDate = "2099-01-02" }).ResponseAsync),

        R("StaffService/CreateTherapist", "R R R", (c, s, _) => new StaffService.StaffServiceClient(c).CreateTherapistAsync(new CreateTherapistRequest { RequestId = Rid(), TherapistId = s.Therapist + "-new" }).ResponseAsync),
        R("StaffService/GetTherapist", "P P S", (c, s, _) => new StaffService.StaffServiceClient(c).GetTherapistAsync(new GetTherapistRequest { TherapistId = s.Therapist }).ResponseAsync),
        R("StaffService/ListTherapists", "P P R", (c, s, _) => new StaffService.StaffServiceClient(c).ListTherapistsAsync(new ListTherapistsRequest { ClinicId = s.Clinic }).ResponseAsync),
        R("StaffService/SetQualifications", "S R R", (c, s, _) => new StaffService.StaffServiceClient(c).SetQualificationsAsync(new SetQualificationsRequest
        {
            RequestId = Rid(), TherapistId = s.Therapist, Qualifications = { new V1.Qualification { Code = "" } },
        }).ResponseAsync),
        R("StaffService/SetRosters", "S R R", (c, s, _) => new StaffService.StaffServiceClient(c).SetRostersAsync(new SetRostersRequest
        {
            RequestId = Rid(), TherapistId = s.Therapist, Rosters = { new V1.Roster { ClinicId = s.Clinic, CycleWeeks = 0 } },
        }).ResponseAsync),
        R("StaffService/AddRosterException", "S R R", (c, s, _) => new StaffService.StaffServiceClient(c).AddRosterExceptionAsync(new AddRosterExceptionRequest { RequestId = Rid(), TherapistId = s.Therapist }).ResponseAsync),
        R("StaffService/RemoveRosterException", "S R R", (c, s, _) => new StaffService.StaffServiceClient(c).RemoveRosterExceptionAsync(new RemoveRosterExceptionRequest { RequestId = Rid(), TherapistId = s.Therapist, ExceptionId = "no-such-exception" }).ResponseAsync),
        R("StaffService/SetTravelTimes", "R R R", (c, _, _) => new StaffService.StaffServiceClient(c).SetTravelTimesAsync(new SetTravelTimesRequest { RequestId = Rid(), TravelTimes = new TravelTimes { DefaultMinutes = -1 } }).ResponseAsync),
        R("StaffService/GetTravelTimes", "P P P", (c, _, _) => new StaffService.StaffServiceClient(c).GetTravelTimesAsync(new GetTravelTimesRequest()).ResponseAsync),

        R("ClientService/RegisterClient", "P P R", (c, _, _) => new ClientService.ClientServiceClient(c).RegisterClientAsync(new RegisterClientRequest { RequestId = Rid() }).ResponseAsync),
        R("ClientService/GetClient", "P P S", (c, s, _) => new ClientService.ClientServiceClient(c).GetClientAsync(new GetClientRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientService/UpdateClient", "P P R", (c, _, _) => new ClientService.ClientServiceClient(c).UpdateClientAsync(new UpdateClientRequest { RequestId = Rid() }).ResponseAsync),
        R("ClientService/SearchClients", "P P R", (c, _, _) => new ClientService.ClientServiceClient(c).SearchClientsAsync(new SearchClientsRequest { Query = "authz" }).ResponseAsync),

        R("BookingService/SearchAvailability", "S S R", (c, s, w) => new BookingService.BookingServiceClient(c).SearchAvailabilityAsync(new SearchAvailabilityRequest
        {
            ClinicId = s.Clinic, ServiceId = ApiChain.FollowUp, FromDate = ApiChain.Iso(w.Date), ToDate = ApiChain.Iso(w.Date), PageSize = 1,
        }).ResponseAsync),
        R("BookingService/Hold", "S S R", (c, s, _) => new BookingService.BookingServiceClient(c).HoldAsync(new HoldRequest { RequestId = Rid(), ClinicId = s.Clinic, ServiceId = ApiChain.FollowUp, ClientId = s.Client }).ResponseAsync),
        R("BookingService/ConfirmHold", "S S R", (c, s, _) => new BookingService.BookingServiceClient(c).ConfirmHoldAsync(new ConfirmHoldRequest { RequestId = Rid(), AppointmentId = s.Appointment }).ResponseAsync),
        R("BookingService/Book", "S S R", (c, s, _) => new BookingService.BookingServiceClient(c).BookAsync(new BookRequest { RequestId = Rid(), ClinicId = s.Clinic, ServiceId = ApiChain.FollowUp, ClientId = s.Client }).ResponseAsync),
        R("BookingService/Reschedule", "S S R", (c, s, _) => new BookingService.BookingServiceClient(c).RescheduleAsync(new RescheduleRequest { RequestId = Rid(), AppointmentId = s.Appointment }).ResponseAsync),
        R("BookingService/Cancel", "S S R", (c, s, _) => new BookingService.BookingServiceClient(c).CancelAsync(new CancelRequest { RequestId = Rid(), AppointmentId = s.Appointment, Reason = new string('x', 300) }).ResponseAsync),
        R("BookingService/CheckIn", "S S S", (c, s, _) => new BookingService.BookingServiceClient(c).CheckInAsync(new CheckInRequest { RequestId = Rid(), AppointmentId = s.Appointment }).ResponseAsync),
        R("BookingService/Complete", "S S S", (c, s, _) => new BookingService.BookingServiceClient(c).CompleteAsync(new CompleteRequest { RequestId = Rid(), AppointmentId = s.Appointment }).ResponseAsync),
        R("BookingService/MarkNoShow", "S S S", (c, s, _) => new BookingService.BookingServiceClient(c).MarkNoShowAsync(new MarkNoShowRequest { RequestId = Rid(), AppointmentId = s.Appointment }).ResponseAsync),
        R("BookingService/GetAppointment", "S S S", (c, s, _) => new BookingService.BookingServiceClient(c).GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = s.Appointment }).ResponseAsync),
        R("BookingService/ListClinicDay", "S S R", (c, s, w) => new BookingService.BookingServiceClient(c).ListClinicDayAsync(new ListClinicDayRequest { ClinicId = s.Clinic, Date = ApiChain.Iso(w.Date) }).ResponseAsync),
        R("BookingService/ListTherapistAppointments", "P P S", (c, s, w) => new BookingService.BookingServiceClient(c).ListTherapistAppointmentsAsync(new ListTherapistAppointmentsRequest
        {
            TherapistId = s.Therapist, FromDate = ApiChain.Iso(w.Date), ToDate = ApiChain.Iso(w.Date),
        }).ResponseAsync),
        R("BookingService/ListClientAppointments", "P P S", (c, s, _) => new BookingService.BookingServiceClient(c).ListClientAppointmentsAsync(new ListClientAppointmentsRequest { ClientId = s.Client }).ResponseAsync),

        R("StaffService/ReportAbsence", "S R R", (c, s, _) => new StaffService.StaffServiceClient(c).ReportAbsenceAsync(new ReportAbsenceRequest { TherapistId = s.Therapist }).ResponseAsync),
        R("StaffService/GetCoverPlan", "P R R", (c, _, _) => new StaffService.StaffServiceClient(c).GetCoverPlanAsync(new GetCoverPlanRequest { PlanId = Guid.NewGuid().ToString() }).ResponseAsync),
        R("StaffService/ApplyCover", "P R R", (c, _, _) => new StaffService.StaffServiceClient(c).ApplyCoverAsync(new ApplyCoverRequest { PlanId = Guid.NewGuid().ToString() }).ResponseAsync),
        R("StaffService/GetTherapistWeek", "S S S", (c, s, w) => new StaffService.StaffServiceClient(c).GetTherapistWeekAsync(new GetTherapistWeekRequest { TherapistId = s.Therapist, StartDate = ApiChain.Iso(w.Date), Days = 1 }).ResponseAsync),
        R("BookingService/GetClinicDayView", "S S R", (c, s, w) => new BookingService.BookingServiceClient(c).GetClinicDayViewAsync(new GetClinicDayViewRequest { ClinicId = s.Clinic, Date = ApiChain.Iso(w.Date) }).ResponseAsync),
        R("ReportService/GetRoomUtilisation", "S R R", (c, s, w) => new ReportService.ReportServiceClient(c).GetRoomUtilisationAsync(new GetRoomUtilisationRequest { ClinicIds = { s.Clinic }, FromDate = ApiChain.Iso(w.Date), ToDate = ApiChain.Iso(w.Date) }).ResponseAsync),
        R("ReportService/GetTherapistUtilisation", "S R R", (c, s, w) => new ReportService.ReportServiceClient(c).GetTherapistUtilisationAsync(new GetTherapistUtilisationRequest { ClinicIds = { s.Clinic }, FromDate = ApiChain.Iso(w.Date), ToDate = ApiChain.Iso(w.Date) }).ResponseAsync),
        R("ReportService/GetClinicSummary", "S R R", (c, s, w) => new ReportService.ReportServiceClient(c).GetClinicSummaryAsync(new GetClinicSummaryRequest { ClinicId = s.Clinic, FromDate = ApiChain.Iso(w.Date), ToDate = ApiChain.Iso(w.Date) }).ResponseAsync),
        R("ReportService/GetOccupancyHeatmap", "S R R", (c, s, w) => new ReportService.ReportServiceClient(c).GetOccupancyHeatmapAsync(new GetOccupancyHeatmapRequest { ClinicId = s.Clinic, FromDate = ApiChain.Iso(w.Date), ToDate = ApiChain.Iso(w.Date) }).ResponseAsync),
        R("ReportService/CompareClinics", "S R R", (c, s, w) => new ReportService.ReportServiceClient(c).CompareClinicsAsync(new CompareClinicsRequest { ClinicIds = { s.Clinic }, FromDate = ApiChain.Iso(w.Date), ToDate = ApiChain.Iso(w.Date) }).ResponseAsync),
        R("ReportService/ExportReport", "S R R", (c, s, w) => Drain(new ReportService.ReportServiceClient(c).ExportReport(new ExportReportRequest { ClinicIds = { s.Clinic }, FromDate = ApiChain.Iso(w.Date), ToDate = ApiChain.Iso(w.Date) }))),
        R("ClientRecordService/GetRecord", "P S S S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).GetRecordAsync(new GetRecordRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/UpdateIntake", "R R R S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).UpdateIntakeAsync(new UpdateIntakeRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/RecordConsent", "P R S S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).RecordConsentAsync(new RecordConsentRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/WithdrawConsent", "P R S S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).WithdrawConsentAsync(new WithdrawConsentRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/CreateNote", "R R R S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).CreateNoteAsync(new CreateNoteRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/UpdateDraftNote", "R R R S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).UpdateDraftNoteAsync(new UpdateDraftNoteRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/SignNote", "R R R S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).SignNoteAsync(new SignNoteRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/AmendNote", "R R R S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).AmendNoteAsync(new AmendNoteRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/GetNote", "R R R S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).GetNoteAsync(new GetNoteRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/ListNotes", "R R R S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).ListNotesAsync(new ListNotesRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/GetProgress", "R R R S", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).GetProgressAsync(new GetProgressRequest { ClientId = s.Client }).ResponseAsync),
        R("ClientRecordService/EraseClient", "P R R R", (c, s, _) => new ClientRecordService.ClientRecordServiceClient(c).EraseClientAsync(new EraseClientRequest { ClientId = s.Client }).ResponseAsync),
        R("AuditService/QueryAudit", "S R R", (c, s, _) => new AuditService.AuditServiceClient(c).QueryAuditAsync(new QueryAuditRequest { ClinicId = s.Clinic, PageSize = 1 }).ResponseAsync),

        Anonymous("AccountService/Login", (c, _, _) => new AccountService.AccountServiceClient(c).LoginAsync(new LoginRequest()).ResponseAsync),
        Anonymous("AccountService/Refresh", (c, _, _) => new AccountService.AccountServiceClient(c).RefreshAsync(new RefreshRequest()).ResponseAsync),
        Anonymous("AccountService/Logout", (c, _, _) => new AccountService.AccountServiceClient(c).LogoutAsync(new LogoutRequest()).ResponseAsync),
        R("AccountService/WhoAmI", "P P P", (c, _, _) => new AccountService.AccountServiceClient(c).WhoAmIAsync(new Google.Protobuf.WellKnownTypes.Empty()).ResponseAsync),
        R("StaffUserService/CreateUser", "R R R", (c, _, _) => new StaffUserService.StaffUserServiceClient(c).CreateUserAsync(new CreateUserRequest()).ResponseAsync),
        R("StaffUserService/ListUsers", "R R R", (c, _, _) => new StaffUserService.StaffUserServiceClient(c).ListUsersAsync(new ListUsersRequest { PageSize = 1 }).ResponseAsync),
        R("StaffUserService/GetUser", "R R R", (c, _, _) => new StaffUserService.StaffUserServiceClient(c).GetUserAsync(new GetUserRequest { UserId = Guid.NewGuid().ToString() }).ResponseAsync),
        R("StaffUserService/UpdateUser", "R R R", (c, _, _) => new StaffUserService.StaffUserServiceClient(c).UpdateUserAsync(new UpdateUserRequest()).ResponseAsync),
        R("StaffUserService/DisableUser", "R R R", (c, _, _) => new StaffUserService.StaffUserServiceClient(c).DisableUserAsync(new DisableUserRequest { UserId = Guid.NewGuid().ToString() }).ResponseAsync),
        R("StaffUserService/ResetPassword", "R R R", (c, _, _) => new StaffUserService.StaffUserServiceClient(c).ResetPasswordAsync(new ResetPasswordRequest()).ResponseAsync),
    ];

    private const string V1Prefix = "nmt.practice.v1.";

    /// <summary>The statuses a call that passed the gate may get: the service's own answers to a minimal request.</summary>
    private static readonly HashSet<StatusCode> ServiceAnswers =
    [
        StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.AlreadyExists, StatusCode.OutOfRange,
    ];

    [Fact]
    public async Task Every_rpc_for_every_role_in_and_out_of_scope_gets_exactly_the_expected_gate()
    {
        var world = await WorldAsync();
        var callers = new (string Name, string Token, Func<Row, Gate> Expected)[]
        {
            ("chain-admin", TestTokens.Admin(api.SigningKey), r => r.Admin),
            ("clinic-manager", TestTokens.Mint(api.SigningKey, NmtRoles.ClinicManager, [world.A.Clinic]), r => r.Manager),
            ("front-desk", TestTokens.Mint(api.SigningKey, NmtRoles.FrontDesk, [world.A.Clinic]), r => r.Desk),
            ("therapist", TestTokens.Mint(api.SigningKey, NmtRoles.Therapist, [world.A.Clinic], world.A.Therapist), r => r.Therapist),
        };
        var failures = new List<string>();
        var cells = 0;
        foreach (var row in Rows)
        {
            var anonymous = await OutcomeAsync(row, api.InvokerFor(null), world.A, world);
            cells++;
            if (row.Anonymous ? !ServiceAnswers.Contains(anonymous.Code) : anonymous != (StatusCode.Unauthenticated, RpcGate.TokenMissing))
            {
                failures.Add($"{row.Method} without a token: {anonymous}, expected {(row.Anonymous ? "to pass the gate" : $"Unauthenticated {RpcGate.TokenMissing}")}");
            }
            foreach (var (name, token, expected) in callers)
            {
                var invoker = api.InvokerFor(token);
                foreach (var (side, inScope) in new[] { (world.A, true), (world.B, false) })
                {
                    cells++;
                    var gate = expected(row);
                    var outcome = await OutcomeAsync(row, invoker, side, world);
                    var want = gate switch
                    {
                        Gate.Role => (StatusCode.PermissionDenied, RpcGate.RoleNotAllowed),
                        Gate.Scoped when !inScope => (StatusCode.PermissionDenied, RpcGate.OutOfScope),
                        _ => ((StatusCode, string?)?)null,
                    };
                    var passed = ServiceAnswers.Contains(outcome.Code);
                    if (want is null ? !passed : outcome != want)
                    {
                        failures.Add($"{row.Method} as {name} {(inScope ? "in" : "out of")} scope: {outcome.Code} {outcome.Reason}, expected {(want is null ? "to pass the gate" : $"{want.Value.Item1} {want.Value.Item2}")}");
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cells} cells wrong:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void Every_mapped_rpc_has_a_policy_and_a_row_in_the_matrix()
    {
        var mapped = MappedMethods();
        Assert.Contains(V1Prefix + "BookingService/Book", mapped);
        var withoutPolicy = mapped.Where(m => !RpcPolicies.All.ContainsKey(m) && !RpcPolicies.AnonymousRpcs.Contains(m)).ToList();
        Assert.True(withoutPolicy.Count == 0, "No policy in RpcPolicies for: " + string.Join(", ", withoutPolicy));
        // An RPC is either anonymous or has a policy, never both; and the anonymous ones are exactly the matrix's.
        Assert.DoesNotContain(RpcPolicies.AnonymousRpcs, RpcPolicies.All.ContainsKey);
        Assert.Equal(RpcPolicies.AnonymousRpcs.Order(), Rows.Where(r => r.Anonymous).Select(r => V1Prefix + r.Method).Order());
        var withoutRow = mapped.Where(m => Rows.All(r => V1Prefix + r.Method != m)).ToList();
        Assert.True(withoutRow.Count == 0, "No row in the matrix for: " + string.Join(", ", withoutRow));
        var stale = Rows.Select(r => V1Prefix + r.Method).Where(m => !mapped.Contains(m)).ToList();
        Assert.True(stale.Count == 0, "Rows for RPCs that are not mapped: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task An_rpc_without_a_policy_is_refused_even_for_chain_admin()
    {
        var gate = api.Server.Services.GetRequiredService<RpcGate>();
        var admin = new Caller("admin", Role.ChainAdmin, [], null, null);
        var e = await Assert.ThrowsAsync<RpcException>(() => gate.AuthorizeAsync(V1Prefix + "ReportService/NotYetInTheTable", admin, new ListClinicsRequest(), default));
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Equal(RpcGate.NoPolicy, e.Detail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task Listings_show_a_scoped_caller_only_the_appointments_they_may_see()
    {
        var world = await WorldAsync();
        var request = new ListClientAppointmentsRequest { ClientId = world.Both };
        var admin = await api.Bookings.ListClientAppointmentsAsync(request);
        Assert.Equal([world.A.Clinic, world.B.Clinic], admin.Appointments.Select(a => a.ClinicId).Order());

        var desk = new BookingService.BookingServiceClient(api.InvokerFor(TestTokens.Mint(api.SigningKey, NmtRoles.FrontDesk, [world.A.Clinic])));
        Assert.Equal([world.A.Clinic], (await desk.ListClientAppointmentsAsync(request)).Appointments.Select(a => a.ClinicId));
        var theirs = await desk.ListTherapistAppointmentsAsync(new ListTherapistAppointmentsRequest
        {
            TherapistId = world.B.Therapist, FromDate = ApiChain.Iso(world.Date), ToDate = ApiChain.Iso(world.Date),
        });
        Assert.Empty(theirs.Appointments);

        var therapist = new BookingService.BookingServiceClient(api.InvokerFor(TestTokens.Mint(api.SigningKey, NmtRoles.Therapist, [], world.A.Therapist)));
        var own = await therapist.ListClientAppointmentsAsync(request);
        Assert.Equal([world.A.Therapist], own.Appointments.Select(a => a.TherapistId));
        var week = await therapist.ListTherapistAppointmentsAsync(new ListTherapistAppointmentsRequest
        {
            TherapistId = world.A.Therapist, FromDate = ApiChain.Iso(world.Date), ToDate = ApiChain.Iso(world.Date),
        });
        Assert.Equal(2, week.Appointments.Count);
        Assert.All(week.Appointments, a => Assert.Equal(world.A.Therapist, a.TherapistId));
    }

    [Fact]
    public async Task A_manager_of_one_clinic_cannot_replace_the_rosters_of_a_therapist_who_also_works_elsewhere()
    {
        var world = await WorldAsync();
        var staff = new StaffService.StaffServiceClient(api.InvokerFor(TestTokens.Mint(api.SigningKey, NmtRoles.ClinicManager, [world.A.Clinic])));
        // Moving therapist B to clinic A would drop B's roster at clinic B, which is not this manager's.
        var e = await Assert.ThrowsAsync<RpcException>(() => staff.SetRostersAsync(new SetRostersRequest
        {
            RequestId = Rid(), TherapistId = world.B.Therapist, Rosters = { new V1.Roster { ClinicId = world.A.Clinic, CycleWeeks = 1, AnchorDate = "2026-01-05" } },
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Equal(RpcGate.OutOfScope, e.Detail<ErrorInfo>()?.Reason);
        var therapist = await api.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = world.B.Therapist });
        Assert.Equal([world.B.Clinic], therapist.Rosters.Select(r => r.ClinicId));
    }

    private async Task<(StatusCode Code, string? Reason)> OutcomeAsync(Row row, CallInvoker invoker, Side side, World world)
    {
        try
        {
            await row.Call(invoker, side, world);
            return (StatusCode.OK, null);
        }
        catch (RpcException e)
        {
            // The reason of a gate refusal; for any other status its detail, so that a failure says what went wrong.
            return (e.StatusCode, e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied ? e.Detail<ErrorInfo>()?.Reason : e.Status.Detail);
        }
    }

    private IReadOnlySet<string> MappedMethods() =>
        ((IEndpointRouteBuilder)api.Server.App).DataSources
            .SelectMany(d => d.Endpoints)
            .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>())
            .Where(m => m is not null && m.Method.ServiceName.StartsWith(V1Prefix, StringComparison.Ordinal))
            .Select(m => m!.Method.FullName.TrimStart('/'))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Clinics A and B, a therapist, a client and a booked appointment at each, and a client booked at both.</summary>
    private async Task<World> WorldAsync()
    {
        await WorldLock.WaitAsync();
        try
        {
            return _world ??= await BuildWorldAsync();
        }
        finally
        {
            WorldLock.Release();
        }
    }

    private async Task<World> BuildWorldAsync()
    {
        var a = new ApiChain(api, "authz-a");
        var b = new ApiChain(api, "authz-b");
        var date = a.Date(5);
        async Task<Side> SideAsync(ApiChain chain)
        {
            await chain.CreateClinicAsync();
            await chain.CreateTherapistAsync();
            var client = await chain.RegisterClientAsync("client");
            var appointment = await BookAsync(chain, client.ClientId, 10);
            return new Side(chain.ClinicId, chain.TherapistId, client.ClientId, appointment.AppointmentId);
        }
        var sideA = await SideAsync(a);
        var sideB = await SideAsync(b);
        var both = await a.RegisterClientAsync("both");
        await BookAsync(a, both.ClientId, 13);
        await BookAsync(b, both.ClientId, 16);
        return new World(sideA, sideB, both.ClientId, date);

        async Task<Appointment> BookAsync(ApiChain chain, string clientId, int hour) =>
            await api.Bookings.BookAsync(new BookRequest
            {
                RequestId = Rid(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = clientId,
                TherapistId = chain.TherapistId, Start = ApiChain.At(date, hour),
            });
    }
}
