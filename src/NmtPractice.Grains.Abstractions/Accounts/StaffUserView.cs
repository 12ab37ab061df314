namespace NmtPractice.Grains.Abstractions.Accounts;

/// <summary>A staff account as the API shows it: never its password or hash.</summary>
[GenerateSerializer, Immutable, Alias("nmt.StaffUserView")]
public sealed record StaffUserView(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] string Email,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] Role Role,
    [property: Id(4)] IReadOnlyList<string> ClinicIds,
    [property: Id(5)] string? TherapistId,
    [property: Id(6)] bool Disabled);

/// <summary>
/// What an account is to be: for a new account all of it; for an update everything but the email, which is the login
/// name and stays.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.StaffUserDraft")]
public sealed record StaffUserDraft(
    [property: Id(0)] string Email,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] Role Role,
    [property: Id(3)] IReadOnlyList<string> ClinicIds,
    [property: Id(4)] string? TherapistId);

/// <summary>
/// The answer to a login or a refresh: the account and a new refresh token, or <see cref="Failed"/> (no reason: a
/// failed login never says whether the email has an account).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.SignIn")]
public sealed record SignIn(
    [property: Id(0)] StaffUserView? User,
    [property: Id(1)] string? RefreshToken)
{
    public static SignIn Failed { get; } = new(null, null);

    public bool Succeeded => User is not null && RefreshToken is not null;
}
