using System.Text.Json;

namespace NmtPractice.Grains.Records;

/// <summary>
/// Builds every audit row the system writes: who (the caller's subject and role wire name; "system" without a
/// caller), in which clinic, did what to which target, from where, with which outcome, and a small JSON detail.
/// </summary>
public static class AuditEntries
{
    /// <summary>The wire name of a role, as audit rows record it; "system" for calls without a caller.</summary>
    public static string RoleName(Caller? caller) =>
        caller is null ? "system" : Enum.IsDefined(caller.Role) ? caller.Role.WireName() : "unknown";

    /// <summary>An entry for <paramref name="caller"/> in clinic <paramref name="clinicId"/> exactly (null: no clinic).</summary>
    public static AuditEntry For(
        Caller? caller, string action, string targetKind, string? targetId, string? clinicId, string? clientId, Guid? appointmentId,
        string outcome, object? detail = null) =>
        new(caller?.Subject ?? Caller.System.Subject, RoleName(caller), clinicId, action, targetKind, targetId, clientId, appointmentId,
            caller?.Source, outcome, detail is null ? null : JsonSerializer.Serialize(detail));

    /// <summary>
    /// An entry for the current caller (<see cref="CallerContext.Current"/>); without a clinic given, the caller's
    /// clinic when their scope is exactly one clinic.
    /// </summary>
    public static AuditEntry ForCurrentCaller(
        string action, string targetKind, string? targetId, string? clinicId, string? clientId, Guid? appointmentId, string outcome,
        object? detail = null)
    {
        var caller = CallerContext.Current;
        return For(caller, action, targetKind, targetId, clinicId ?? SingleClinic(caller), clientId, appointmentId, outcome, detail);
    }

    private static string? SingleClinic(Caller? caller) =>
        caller is { Role: not Role.ChainAdmin, ClinicIds.Count: 1 } ? caller.ClinicIds[0] : null;
}
