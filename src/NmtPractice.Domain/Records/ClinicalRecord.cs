using NmtPractice.Domain.Scheduling;
using NodaTime;

namespace NmtPractice.Domain.Records;

/// <summary>
/// A client's intake: health history and contraindications. <see cref="Contraindications"/> holds codes from
/// <see cref="ClinicalRules.KnownContraindications"/>; any of them raises the flag a therapist sees before a session.
/// </summary>
public sealed record Intake(
    string ClientId,
    string HealthHistory,
    IReadOnlyList<string> Contraindications,
    string? ContraindicationNotes,
    string? Medications,
    string UpdatedBy,
    Instant UpdatedAt)
{
    public bool HasContraindications => Contraindications.Count > 0;
}

/// <summary>A consent the client gave (e.g. "treatment", "data-processing"); withdrawn when <see cref="WithdrawnAt"/> is set.</summary>
public sealed record Consent(
    Guid ConsentId,
    string ClientId,
    string Kind,
    Instant GivenAt,
    string RecordedBy,
    Instant? WithdrawnAt,
    string? WithdrawnBy)
{
    public bool IsActive => WithdrawnAt is null;
}

/// <summary>One trigger point found: the muscle, the side, where on it, and where its pain is referred to.</summary>
public sealed record TriggerPoint(string Muscle, string Side, string? Location, string? ReferredPain);

/// <summary>
/// What a therapist records about one NMT session, in structure: complaint and symptoms, pain (0-10) before and after,
/// trigger points, technique and pressure duration (seconds per point), tools, the client's response and advice.
/// </summary>
public sealed record NoteContent(
    string Complaint,
    IReadOnlyList<string> Symptoms,
    int? PainBefore,
    int? PainAfter,
    IReadOnlyList<TriggerPoint> TriggerPoints,
    string? Technique,
    int? PressureSeconds,
    IReadOnlyList<string> Tools,
    string? ClientResponse,
    string? Advice);

public enum NoteStatus
{
    Draft = 1,
    Signed,
}

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

/// <summary>A signed session's pain scores, for the client's progress over a course of sessions.</summary>
public sealed record ProgressPoint(Guid NoteId, Guid AppointmentId, Instant SessionStart, string TherapistId, int? PainBefore, int? PainAfter);
