namespace NmtPractice.Domain.Staff;

/// <summary>One shift of a repeating pattern: in week <paramref name="Week"/> (0-based) of the cycle, on <paramref name="Day"/>.</summary>
public sealed record RosterShift(int Week, IsoDayOfWeek Day, LocalTimeRange Hours);
