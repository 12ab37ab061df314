namespace NmtPractice.Domain.Records;

/// <summary>A signed session's pain scores, for the client's progress over a course of sessions.</summary>
public sealed record ProgressPoint(Guid NoteId, Guid AppointmentId, Instant SessionStart, string TherapistId, int? PainBefore, int? PainAfter);
