namespace NmtPractice.Grains.Abstractions.Security;

/// <summary>
/// Who is calling, as the gateway authenticated them. <see cref="ClinicIds"/> is the clinic scope (ignored for
/// chain-admin, who sees every clinic); <see cref="TherapistId"/> is set for the therapist role;
/// <see cref="Source"/> is where the call came from (the peer address), for the audit trail.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.Caller")]
public sealed record Caller(
    [property: Id(0)] string Subject,
    [property: Id(1)] Role Role,
    [property: Id(2)] IReadOnlyList<string> ClinicIds,
    [property: Id(3)] string? TherapistId,
    [property: Id(4)] string? Source)
{
    /// <summary>The system itself (background work, the demo seeder): every right, audited as "system".</summary>
    public static Caller System { get; } = new("system", Role.ChainAdmin, [], null, null);

    public bool CanSeeClinic(string clinicId) => Role == Role.ChainAdmin || ClinicIds.Contains(clinicId, StringComparer.Ordinal);
}
