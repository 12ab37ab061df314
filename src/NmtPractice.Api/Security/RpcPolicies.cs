using RescheduleRequest = NmtPractice.Api.V1.RescheduleRequest;

namespace NmtPractice.Api.Security;

/// <summary>
/// Who may call each RPC, by its full name ("package.Service/Method"). Fail closed: an RPC of a mapped service without
/// a row here is refused with PERMISSION_DENIED (NO_POLICY), and AuthorizationMatrixTests fails for it. Adding an RPC is
/// one line: its name and a policy built with <see cref="Allow"/>. Roles and scopes are described in docs/security.md.
/// </summary>
public static class RpcPolicies
{
    private const string V1 = "nmt.practice.v1.";

    /// <summary>Open without a token: health checks (load balancers) and server reflection (grpcurl).</summary>
    public static IReadOnlyList<string> OpenServices { get; } =
        ["grpc.health.v1.Health/", "grpc.reflection.v1alpha.ServerReflection/", "grpc.reflection.v1.ServerReflection/"];

    /// <summary>
    /// Open without a token because they are how one gets a token: a staff account's login, and the refresh and logout
    /// that present a refresh token instead. Listed one by one; WhoAmI of the same service needs a token.
    /// </summary>
    public static IReadOnlySet<string> AnonymousRpcs { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        V1 + "AccountService/Login",
        V1 + "AccountService/Refresh",
        V1 + "AccountService/Logout",
    };

    public static IReadOnlyDictionary<string, RpcPolicy> All { get; } = new Dictionary<string, RpcPolicy>(StringComparer.Ordinal)
    {
        // Clinics: configuration is readable by every role; a manager changes their own clinics; only a chain admin creates one.
        [V1 + "ClinicService/CreateClinic"] = Allow.ChainAdmin.Anywhere(),
        [V1 + "ClinicService/UpdateClinic"] = Allow.Managers.AtClinic<UpdateClinicRequest>(r => r.ClinicId),
        [V1 + "ClinicService/GetClinic"] = Allow.Everyone.Anywhere(),
        [V1 + "ClinicService/ListClinics"] = Allow.Everyone.Anywhere(),
        [V1 + "ClinicService/UpsertRoom"] = Allow.Managers.AtClinic<UpsertRoomRequest>(r => r.ClinicId),
        [V1 + "ClinicService/SetRoomOutOfService"] = Allow.Managers.AtClinic<SetRoomOutOfServiceRequest>(r => r.ClinicId),
        [V1 + "ClinicService/UpsertService"] = Allow.Managers.AtClinic<UpsertServiceRequest>(r => r.ClinicId),
        [V1 + "ClinicService/SetOpeningHours"] = Allow.Managers.AtClinic<SetOpeningHoursRequest>(r => r.ClinicId),
        [V1 + "ClinicService/AddClosure"] = Allow.Managers.AtClinic<AddClosureRequest>(r => r.ClinicId),
        [V1 + "ClinicService/RemoveClosure"] = Allow.Managers.AtClinic<RemoveClosureRequest>(r => r.ClinicId),

        // Staff: a manager keeps the rosters, leave and qualifications of therapists rostered at their clinics.
        [V1 + "StaffService/CreateTherapist"] = Allow.ChainAdmin.Anywhere(),
        [V1 + "StaffService/GetTherapist"] = Allow.Everyone.ReadingTherapist<GetTherapistRequest>(r => r.TherapistId),
        [V1 + "StaffService/ListTherapists"] = Allow.Desk.Anywhere(),
        [V1 + "StaffService/SetQualifications"] = Allow.Managers.ManagingTherapist<SetQualificationsRequest>(r => r.TherapistId),
        [V1 + "StaffService/SetRosters"] = Allow.Managers.When<SetRostersRequest>("rosters", RostersInScopeAsync),
        [V1 + "StaffService/AddRosterException"] = Allow.Managers.When<AddRosterExceptionRequest>("roster exception", ExceptionInScopeAsync),
        [V1 + "StaffService/RemoveRosterException"] = Allow.Managers.ManagingTherapist<RemoveRosterExceptionRequest>(r => r.TherapistId),
        [V1 + "StaffService/SetTravelTimes"] = Allow.ChainAdmin.Anywhere(),
        [V1 + "StaffService/GetTravelTimes"] = Allow.Everyone.Anywhere(),

        // Clients: contact details are chain-wide for the desk; a therapist sees only clients they have an appointment with.
        [V1 + "ClientService/RegisterClient"] = Allow.Desk.Anywhere(),
        [V1 + "ClientService/GetClient"] = Allow.Everyone.ForClient<GetClientRequest>(r => r.ClientId),
        [V1 + "ClientService/UpdateClient"] = Allow.Desk.Anywhere(),
        [V1 + "ClientService/SearchClients"] = Allow.Desk.Anywhere(),

        // Bookings at the caller's clinics; a therapist checks in, completes or marks no-show their own appointments.
        [V1 + "BookingService/SearchAvailability"] = Allow.Desk.AtClinic<SearchAvailabilityRequest>(r => r.ClinicId),
        [V1 + "BookingService/Hold"] = Allow.Desk.AtClinic<HoldRequest>(r => r.ClinicId),
        [V1 + "BookingService/ConfirmHold"] = Allow.Desk.ForAppointment<ConfirmHoldRequest>(r => r.AppointmentId),
        [V1 + "BookingService/Book"] = Allow.Desk.AtClinic<BookRequest>(r => r.ClinicId),
        [V1 + "BookingService/Reschedule"] = Allow.Desk.ForAppointment<RescheduleRequest>(r => r.AppointmentId),
        [V1 + "BookingService/Cancel"] = Allow.Desk.ForAppointment<CancelRequest>(r => r.AppointmentId),
        [V1 + "BookingService/CheckIn"] = Allow.Everyone.ForAppointment<CheckInRequest>(r => r.AppointmentId),
        [V1 + "BookingService/Complete"] = Allow.Everyone.ForAppointment<CompleteRequest>(r => r.AppointmentId),
        [V1 + "BookingService/MarkNoShow"] = Allow.Everyone.ForAppointment<MarkNoShowRequest>(r => r.AppointmentId),
        [V1 + "BookingService/GetAppointment"] = Allow.Everyone.ForAppointment<GetAppointmentRequest>(r => r.AppointmentId),
        [V1 + "BookingService/ListClinicDay"] = Allow.Desk.AtClinic<ListClinicDayRequest>(r => r.ClinicId),
        [V1 + "BookingService/ListTherapistAppointments"] = Allow.Everyone.ReadingTherapist<ListTherapistAppointmentsRequest>(r => r.TherapistId),
        [V1 + "BookingService/ListClientAppointments"] = Allow.Everyone.ForClient<ListClientAppointmentsRequest>(r => r.ClientId),

        // Cover and schedule views: a manager covers the therapists of their clinics; the views follow the therapist or the clinic.
        [V1 + "StaffService/ReportAbsence"] = Allow.Managers.ManagingTherapist<ReportAbsenceRequest>(r => r.TherapistId),
        [V1 + "StaffService/GetCoverPlan"] = Allow.Managers.When<GetCoverPlanRequest>("cover plan", (c, r, s, _) => CoverPlanInScopeAsync(c, r.PlanId, s)),
        [V1 + "StaffService/ApplyCover"] = Allow.Managers.When<ApplyCoverRequest>("cover plan", (c, r, s, _) => CoverPlanInScopeAsync(c, r.PlanId, s)),
        [V1 + "StaffService/GetTherapistWeek"] = Allow.Everyone.ManagingTherapist<GetTherapistWeekRequest>(r => r.TherapistId),
        [V1 + "BookingService/GetClinicDayView"] = Allow.Desk.AtClinic<GetClinicDayViewRequest>(r => r.ClinicId),

        // Reports: managers, for the clinics they name (all of them theirs); the whole chain only for a chain admin.
        [V1 + "ReportService/GetRoomUtilisation"] = Allow.Managers.AtClinics<GetRoomUtilisationRequest>(r => r.ClinicIds),
        [V1 + "ReportService/GetTherapistUtilisation"] = Allow.Managers.AtClinics<GetTherapistUtilisationRequest>(r => r.ClinicIds),
        [V1 + "ReportService/GetClinicSummary"] = Allow.Managers.AtClinic<GetClinicSummaryRequest>(r => r.ClinicId),
        [V1 + "ReportService/GetOccupancyHeatmap"] = Allow.Managers.AtClinic<GetOccupancyHeatmapRequest>(r => r.ClinicId),
        [V1 + "ReportService/CompareClinics"] = Allow.Managers.AtClinics<CompareClinicsRequest>(r => r.ClinicIds),
        [V1 + "ReportService/ExportReport"] = Allow.Managers.AtClinics<ExportReportRequest>(r => r.ClinicIds),

        // Clinical records: notes and intake only for the treating therapist; the summary and consents for the desk and
        // managers of a clinic the client visited, and for chain admins; erasure by a chain admin. The record grain checks again.
        [V1 + "ClientRecordService/GetRecord"] = Allow.Everyone.ForClientRecord<GetRecordRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/UpdateIntake"] = Allow.Roles(Role.Therapist).ForClientRecord<UpdateIntakeRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/RecordConsent"] = Allow.Roles(Role.ChainAdmin, Role.FrontDesk, Role.Therapist).ForClientRecord<RecordConsentRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/WithdrawConsent"] = Allow.Roles(Role.ChainAdmin, Role.FrontDesk, Role.Therapist).ForClientRecord<WithdrawConsentRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/CreateNote"] = Allow.Roles(Role.Therapist).ForClientRecord<CreateNoteRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/UpdateDraftNote"] = Allow.Roles(Role.Therapist).ForClientRecord<UpdateDraftNoteRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/SignNote"] = Allow.Roles(Role.Therapist).ForClientRecord<SignNoteRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/AmendNote"] = Allow.Roles(Role.Therapist).ForClientRecord<AmendNoteRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/GetNote"] = Allow.Roles(Role.Therapist).ForClientRecord<GetNoteRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/ListNotes"] = Allow.Roles(Role.Therapist).ForClientRecord<ListNotesRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/GetProgress"] = Allow.Roles(Role.Therapist).ForClientRecord<GetProgressRequest>(r => r.ClientId),
        [V1 + "ClientRecordService/EraseClient"] = Allow.ChainAdmin.Anywhere(),

        // Accounts: everyone may ask who they are; only chain admins manage staff accounts (the grain checks again).
        [V1 + "AccountService/WhoAmI"] = Allow.Everyone.Anywhere(),
        [V1 + "StaffUserService/CreateUser"] = Allow.ChainAdmin.Anywhere(),
        [V1 + "StaffUserService/ListUsers"] = Allow.ChainAdmin.Anywhere(),
        [V1 + "StaffUserService/GetUser"] = Allow.ChainAdmin.Anywhere(),
        [V1 + "StaffUserService/UpdateUser"] = Allow.ChainAdmin.Anywhere(),
        [V1 + "StaffUserService/DisableUser"] = Allow.ChainAdmin.Anywhere(),
        [V1 + "StaffUserService/ResetPassword"] = Allow.ChainAdmin.Anywhere(),

        // Audit: a manager queries their clinics' rows (the audit grain filters to them when no clinic is named).
        [V1 + "AuditService/QueryAudit"] = Allow.Managers.When<QueryAuditRequest>("audit", (c, r, _, _) =>
            ValueTask.FromResult(r.ClinicId.Length == 0 || c.CanSeeClinic(r.ClinicId))),
    };

    /// <summary>True for the operational services that stay open (<see cref="OpenServices"/>) and the <see cref="AnonymousRpcs"/>.</summary>
    public static bool IsOpen(string method) =>
        AnonymousRpcs.Contains(method) || OpenServices.Any(prefix => method.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>
    /// SetRosters replaces the rosters at every clinic, so a manager may call it only when every clinic the therapist is
    /// rostered at now, and every clinic of the new rosters, is theirs.
    /// </summary>
    private static async ValueTask<bool> RostersInScopeAsync(Caller caller, SetRostersRequest request, ScopeResolver scopes, CancellationToken ct)
    {
        var current = await scopes.TherapistClinicsAsync(request.TherapistId) ?? [];
        var clinics = current.Concat(request.Rosters.Select(r => r.ClinicId)).ToList();
        return clinics.Count > 0 && clinics.All(caller.CanSeeClinic);
    }

    /// <summary>Leave and sickness: a therapist of the manager's clinics. An extra shift: also at one of the manager's clinics.</summary>
    private static async ValueTask<bool> ExceptionInScopeAsync(Caller caller, AddRosterExceptionRequest request, ScopeResolver scopes, CancellationToken ct) =>
        await Allow.ManagesTherapistAsync(caller, request.TherapistId, scopes)
        && (request.Exception is null || request.Exception.ClinicId.Length == 0 || caller.CanSeeClinic(request.Exception.ClinicId));

    private static async ValueTask<bool> CoverPlanInScopeAsync(Caller caller, string planId, ScopeResolver scopes)
    {
        var therapistId = await scopes.CoverPlanTherapistAsync(planId);
        return therapistId is null || await Allow.ManagesTherapistAsync(caller, therapistId, scopes);
    }
}
