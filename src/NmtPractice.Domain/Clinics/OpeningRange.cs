namespace NmtPractice.Domain.Clinics;

/// <summary>One weekly opening range: on <paramref name="Day"/>, open during <paramref name="Hours"/>. A day may have several.</summary>
public sealed record OpeningRange(IsoDayOfWeek Day, LocalTimeRange Hours);
