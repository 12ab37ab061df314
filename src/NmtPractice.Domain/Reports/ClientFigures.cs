namespace NmtPractice.Domain.Reports;

/// <summary>
/// Clients of one clinic over a period: <see cref="UniqueClients"/> had at least one appointment (any status, expired
/// holds excluded) starting in the period; <see cref="NewClients"/> of them had their first such appointment at this
/// clinic inside the period.
/// </summary>
public sealed record ClientFigures(string ClinicId, int UniqueClients, int NewClients);
