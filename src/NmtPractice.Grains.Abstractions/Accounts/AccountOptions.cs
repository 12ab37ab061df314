namespace NmtPractice.Grains.Abstractions.Accounts;

/// <summary>Configuration section <c>Nmt:Accounts</c>: token lifetimes and the login lockout (docs/security.md).</summary>
public sealed class AccountOptions
{
    public const string Section = "Nmt:Accounts";

    /// <summary>How long an access token (JWT) from Login or Refresh is valid: short, since it cannot be revoked.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a refresh token is good for if it is not used (each refresh issues a new one).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Failed logins within <see cref="FailureWindow"/> that lock an account.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a locked account refuses every login, even with the right password.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
