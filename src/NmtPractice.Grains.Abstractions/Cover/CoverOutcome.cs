namespace NmtPractice.Grains.Abstractions.Cover;

/// <summary>What one ApplyCover request did: the items it was asked for, each Applied or Failed (or Uncovered).</summary>
[GenerateSerializer, Immutable, Alias("nmt.CoverOutcome")]
public sealed record CoverOutcome(
    [property: Id(0)] Guid PlanId,
    [property: Id(1)] string RequestId,
    [property: Id(2)] IReadOnlyList<CoverItem> Items);
