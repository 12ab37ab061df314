using NodaTime;

namespace NmtPractice.Persistence.Accounts;

/// <summary>A staff account as stored, without its password hash. <see cref="Role"/> is the role's wire name.</summary>
public sealed record StoredStaffUser(
    Guid Id, string Email, string DisplayName, string Role, IReadOnlyList<string> ClinicIds, string? TherapistId, bool Disabled);

/// <summary>An account with what a login checks: the password hash and the end of a lockout.</summary>
public sealed record StaffCredentials(StoredStaffUser User, string PasswordHash, Instant? LockedUntil);

/// <summary>Lock an account for <see cref="LockFor"/> once <see cref="MaxFailures"/> logins failed within <see cref="Window"/>.</summary>
public sealed record LockoutPolicy(int MaxFailures, Duration Window, Duration LockFor);

/// <summary>A failed login as counted: failures in the current window, and whether this one locked the account.</summary>
public sealed record FailedLogin(int Failures, Instant? LockedUntil, bool LockedNow);

/// <summary>A refresh token to store: its family (one per login), the SHA-256 of the token, and its lifetime.</summary>
public sealed record NewRefreshToken(Guid FamilyId, byte[] Hash, Instant CreatedAt, Instant ExpiresAt);

public enum RefreshOutcome
{
    /// <summary>The token was good: it is used up and the next one of its family stored.</summary>
    Rotated = 1,
    /// <summary>The token had been used before: its whole family is revoked now.</summary>
    Reused,
    /// <summary>Unknown, expired, revoked, or its account is disabled.</summary>
    Invalid,
}

/// <summary>What a refresh did, and for whom (null when the token names nobody).</summary>
public sealed record RefreshResult(RefreshOutcome Outcome, StoredStaffUser? User);
