namespace NmtPractice.Grains.Abstractions.Config;

/// <summary>One client a <see cref="ClientSearch"/> found: identity and contact details.</summary>
[GenerateSerializer, Immutable, Alias("nmt.ClientMatch")]
public sealed record ClientMatch(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string GivenName,
    [property: Id(2)] string FamilyName,
    [property: Id(3)] string? Phone,
    [property: Id(4)] string? Email);
