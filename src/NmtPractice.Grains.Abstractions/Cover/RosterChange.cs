namespace NmtPractice.Grains.Abstractions.Cover;

/// <summary>
/// The outcome of a roster change: the therapist as stored, the appointments it stranded, those cancelled (policy
/// Cancel) and the cover plan (policy Cover).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.RosterChange")]
public sealed record RosterChange(
    [property: Id(0)] Therapist Therapist,
    [property: Id(1)] IReadOnlyList<AppointmentRecord> Stranded,
    [property: Id(2)] IReadOnlyList<AppointmentRecord> Cancelled,
    [property: Id(3)] CoverPlan? Plan = null);
