namespace NmtPractice.Domain.Clinics;

/// <summary>The clinic is closed on every date of <paramref name="Dates"/> (inclusive), e.g. a bank holiday.</summary>
public sealed record Closure(DateRange Dates, string Reason);
