namespace NmtPractice.Grains.Abstractions.Cover;

/// <summary>
/// Proposed cover for a therapist's appointments in [<see cref="From"/>, <see cref="To"/>) (the absence, or the span of
/// the stranded appointments), <see cref="Cause"/> in words, items by start.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.CoverPlan")]
public sealed record CoverPlan(
    [property: Id(0)] Guid PlanId,
    [property: Id(1)] string TherapistId,
    [property: Id(2)] Instant From,
    [property: Id(3)] Instant To,
    [property: Id(4)] string Cause,
    [property: Id(5)] Instant CreatedAt,
    [property: Id(6)] IReadOnlyList<CoverItem> Items,
    [property: Id(7)] string? ExceptionId = null);
