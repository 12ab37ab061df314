namespace NmtPractice.Server.Seeding;

/// <summary>What one seeding phase did.</summary>
public sealed record SeedPhase(string Name, long Rows, TimeSpan Elapsed)
{
    public double RowsPerSecond => Rows / Math.Max(Elapsed.TotalSeconds, 1e-3);
}
