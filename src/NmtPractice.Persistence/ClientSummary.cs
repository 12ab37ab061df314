namespace NmtPractice.Persistence;

/// <summary>One row of a client search.</summary>
public sealed record ClientSummary(string ClientId, string GivenName, string FamilyName, string? Phone, string? Email);
