namespace NmtPractice.Api.Security;

/// <summary>
/// Builds <see cref="RpcPolicy"/> rows: a set of roles, then where their scope comes from. Read a row as
/// "<c>Allow.Desk.AtClinic&lt;BookRequest&gt;(r =&gt; r.ClinicId)</c>: chain-admin, clinic-manager and front-desk, at a
/// clinic of theirs (the request's clinic_id)".
/// </summary>
public sealed class Allow
{
    private readonly HashSet<Role> _roles;

    private Allow(IEnumerable<Role> roles) => _roles = [.. roles];

    public static Allow Roles(params Role[] roles) => new(roles);

    public static Allow ChainAdmin { get; } = Roles(Role.ChainAdmin);

    /// <summary>Chain-admin and clinic-manager.</summary>
    public static Allow Managers { get; } = Roles(Role.ChainAdmin, Role.ClinicManager);

    /// <summary>Chain-admin, clinic-manager and front-desk.</summary>
    public static Allow Desk { get; } = Roles(Role.ChainAdmin, Role.ClinicManager, Role.FrontDesk);

    /// <summary>All four roles.</summary>
    public static Allow Everyone { get; } = Roles(Role.ChainAdmin, Role.ClinicManager, Role.FrontDesk, Role.Therapist);

    /// <summary>No clinic scope: chain-wide data every listed role may use.</summary>
    public RpcPolicy Anywhere() => Policy("anywhere", static (_, _, _, _) => ValueTask.FromResult(true));

    /// <summary>The request's clinic must be one of the caller's clinics.</summary>
    public RpcPolicy AtClinic<T>(Func<T, string> clinicId) =>
        Policy("clinic", (caller, request, _, _) => ValueTask.FromResult(caller.CanSeeClinic(clinicId((T)request))));

    /// <summary>
    /// The appointment's clinic must be one of the caller's clinics; a therapist must be the appointment's therapist.
    /// An id that is malformed or names no appointment passes: the service answers INVALID_ARGUMENT or NOT_FOUND.
    /// </summary>
    public RpcPolicy ForAppointment<T>(Func<T, string> appointmentId) =>
        Policy("appointment", async (caller, request, scopes, _) =>
        {
            var appointment = await scopes.AppointmentAsync(appointmentId((T)request));
            return appointment is null
                || (caller.Role == Role.Therapist ? appointment.TherapistId == caller.TherapistId : caller.CanSeeClinic(appointment.ClinicId));
        });

    /// <summary>
    /// Reading a therapist's data: a therapist only their own; the other roles any therapist (listings are then
    /// filtered to the caller's clinics by the service).
    /// </summary>
    public RpcPolicy ReadingTherapist<T>(Func<T, string> therapistId) =>
        Policy("therapist (read)", (caller, request, _, _) =>
            ValueTask.FromResult(caller.Role != Role.Therapist || therapistId((T)request) == caller.TherapistId));

    /// <summary>
    /// Changing a therapist: a therapist only themselves; a manager a therapist rostered at one of their clinics. An id
    /// that is malformed or names no therapist passes: the service answers INVALID_ARGUMENT or NOT_FOUND.
    /// </summary>
    public RpcPolicy ManagingTherapist<T>(Func<T, string> therapistId) =>
        Policy("therapist (manage)", async (caller, request, scopes, _) => await ManagesTherapistAsync(caller, therapistId((T)request), scopes));

    /// <summary>A client's data: a therapist only their own clients (an appointment with them); other roles any client (clients are chain-wide).</summary>
    public RpcPolicy ForClient<T>(Func<T, string> clientId) =>
        Policy("client", async (caller, request, scopes, ct) =>
            caller.Role != Role.Therapist || await scopes.IsClientOfAsync(clientId((T)request), caller.TherapistId!, ct));

    /// <summary>Every clinic the request names must be one of the caller's; naming none means the whole chain (chain-admin only).</summary>
    public RpcPolicy AtClinics<T>(Func<T, IEnumerable<string>> clinicIds) =>
        Policy("clinics", (caller, request, _, _) =>
        {
            var clinics = clinicIds((T)request).ToList();
            return ValueTask.FromResult(caller.Role == Role.ChainAdmin || (clinics.Count > 0 && clinics.All(caller.CanSeeClinic)));
        });

    /// <summary>
    /// A client's record: a therapist only a client they have an appointment with; a front desk or manager a client with an
    /// appointment at one of their clinics; a chain admin any client. The record grain checks the same again.
    /// </summary>
    public RpcPolicy ForClientRecord<T>(Func<T, string> clientId) =>
        Policy("client record", async (caller, request, scopes, ct) => caller.Role switch
        {
            Role.ChainAdmin => true,
            Role.Therapist => await scopes.IsClientOfAsync(clientId((T)request), caller.TherapistId!, ct),
            _ => await scopes.VisitedAnyOfAsync(clientId((T)request), caller, ct),
        });

    /// <summary>A scope rule of its own, for requests the rules above do not fit.</summary>
    public RpcPolicy When<T>(string name, Func<Caller, T, ScopeResolver, CancellationToken, ValueTask<bool>> check) =>
        Policy(name, (caller, request, scopes, ct) => check(caller, (T)request, scopes, ct));

    /// <summary>See <see cref="ManagingTherapist{T}"/>.</summary>
    public static async ValueTask<bool> ManagesTherapistAsync(Caller caller, string therapistId, ScopeResolver scopes)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(scopes);
        if (caller.Role == Role.Therapist)
        {
            return therapistId == caller.TherapistId;
        }
        var clinics = await scopes.TherapistClinicsAsync(therapistId);
        return clinics is null || clinics.Any(caller.CanSeeClinic);
    }

    private RpcPolicy Policy(string name, ScopeCheck check) => new(_roles, check, name);
}
