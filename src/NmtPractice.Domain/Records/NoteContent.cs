namespace NmtPractice.Domain.Records;

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
