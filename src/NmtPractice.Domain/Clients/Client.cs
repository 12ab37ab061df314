namespace NmtPractice.Domain.Clients;

/// <summary>A client's identity and contact details; chain-wide (a client may visit any clinic).</summary>
public sealed record Client(
    string Id,
    string GivenName,
    string FamilyName,
    string? Phone,
    string? Email,
    LocalDate? DateOfBirth)
{
    public string DisplayName => $"{GivenName} {FamilyName}".Trim();
}
