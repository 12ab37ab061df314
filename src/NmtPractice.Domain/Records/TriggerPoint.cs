namespace NmtPractice.Domain.Records;

/// <summary>One trigger point found: the muscle, the side, where on it, and where its pain is referred to.</summary>
public sealed record TriggerPoint(string Muscle, string Side, string? Location, string? ReferredPain);
