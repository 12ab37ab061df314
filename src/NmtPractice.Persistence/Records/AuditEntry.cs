namespace NmtPractice.Persistence.Records;

/// <summary>
/// One audit row to write: who (subject, role), in which clinic, did what (an action name such as "note.sign") to
/// which target, from where, with which outcome. Ids and action names only: never names, contact details or note
/// text. <see cref="Detail"/> is a small JSON object of ids or codes (e.g. the refusal code), or null.
/// </summary>
public sealed record AuditEntry(
    string ActorSubject,
    string ActorRole,
    string? ClinicId,
    string Action,
    string TargetKind,
    string? TargetId,
    string? ClientId,
    Guid? AppointmentId,
    string? Source,
    string Outcome,
    string? Detail = null);
