namespace NmtPractice.Server.Seeding;

/// <summary>The seeding run: its phases and the appointment figures.</summary>
public sealed record SeedSummary(IReadOnlyList<SeedPhase> Phases, long Appointments, long Capacity, LocalDate FirstDate, LocalDate LastDate)
{
    public TimeSpan Total => Phases.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Elapsed);
}
