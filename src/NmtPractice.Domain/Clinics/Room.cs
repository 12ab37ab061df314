namespace NmtPractice.Domain.Clinics;

/// <summary>A treatment room. Features are lower-case tags such as <c>hydraulic-table</c> or <c>wheelchair-access</c>.</summary>
public sealed record Room(string Id, string Name, IReadOnlyList<string> Features, IReadOnlyList<OutOfServicePeriod> OutOfService)
{
    public bool HasFeatures(IEnumerable<string> required) => required.All(f => Features.Contains(f, StringComparer.Ordinal));

    public int ExtraFeatureCount(IReadOnlyCollection<string> required) => Features.Count(f => !required.Contains(f, StringComparer.Ordinal));

    /// <summary>True if any out-of-service period overlaps the room's occupancy [start, freeAt).</summary>
    public bool IsOutOfServiceDuring(Interval occupancy) =>
        OutOfService.Any(p => p.Period.Start < occupancy.End && occupancy.Start < p.Period.End);
}
