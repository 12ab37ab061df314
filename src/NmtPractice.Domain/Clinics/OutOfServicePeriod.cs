namespace NmtPractice.Domain.Clinics;

/// <summary>The room cannot be used during [<paramref name="Period"/>) (repairs, deep cleaning...).</summary>
public sealed record OutOfServicePeriod(Interval Period, string Reason);
