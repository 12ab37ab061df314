namespace NmtPractice.Grains.Abstractions.Config;

/// <summary>
/// A client search: every given criterion must match (name: every word, anywhere in the name, case-insensitive;
/// phone: on its digits, ignoring the leading zeros searched for; e-mail: exactly, case-insensitive). At most
/// <see cref="Limit"/> clients, by family name, given name and id, after client <see cref="After"/> (keyset paging).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.ClientSearch")]
public sealed record ClientSearch(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Phone,
    [property: Id(2)] string? Email,
    [property: Id(3)] int Limit,
    [property: Id(4)] string? After);
