namespace NmtPractice.Domain.Records;

/// <summary>
/// One version of a session note. Version 1 is created as a draft by its author; a draft is edited in place until
/// signed; a signed version never changes: an amendment is a new signed version (<see cref="AmendedFrom"/> names the
/// version it replaces), and every earlier version stays readable.
/// </summary>
public sealed record SessionNote(
    Guid NoteId,
    int Version,
    string ClientId,
    Guid AppointmentId,
    string ClinicId,
    string TherapistId,
    Instant SessionStart,
    NoteStatus Status,
    NoteContent Content,
    Instant CreatedAt,
    Instant UpdatedAt,
    string? SignedBy,
    Instant? SignedAt,
    int? AmendedFrom,
    string? AmendReason);
