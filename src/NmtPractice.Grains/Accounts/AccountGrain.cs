using Microsoft.Extensions.Options;
using NmtPractice.Domain.Accounts;
using NmtPractice.Grains.Abstractions.Accounts;
using NmtPractice.Persistence.Accounts;

namespace NmtPractice.Grains.Accounts;

/// <summary>
/// Logins, refresh-token rotation and logouts (<see cref="IAccountGrain"/>). Every attempt is audited, a change in its
/// own transaction. A failed login looks the same whatever failed, and costs one password verification either way.
/// </summary>
[StatelessWorker]
public sealed class AccountGrain(
    StaffAccountStore store, StaffPasswords passwords, AuditLog audit, IClock clock, IOptions<AccountOptions> options, ILogger<AccountGrain> logger)
    : Grain, IAccountGrain
{
    private AccountOptions Options => options.Value;

    private LockoutPolicy Lockout => new(
        Options.MaxFailedLogins, Duration.FromTimeSpan(Options.FailureWindow), Duration.FromTimeSpan(Options.LockoutDuration));

    async Task<SignIn> IAccountGrain.Login(string email, string password, string? source)
    {
        const string action = "account.login";
        var now = clock.GetCurrentInstant();
        password ??= "";
        if (StaffAccountRules.Email("email", email) is not null || password.Length is 0 or > StaffAccountRules.MaxPasswordLength)
        {
            await audit.AppendAsync(AccountAudit.Of(null, action, source, AuditOutcomes.Refused, new { reason = "malformed" }));
            return SignIn.Failed;
        }
        var account = await store.FindByEmailAsync(StaffAccountRules.NormalizeEmail(email));
        if (account is null)
        {
            passwords.VerifyNothing(password);
            await audit.AppendAsync(AccountAudit.Of(null, action, source, AuditOutcomes.Refused, new { reason = "unknown-account" }));
            return SignIn.Failed;
        }
        var user = account.User;
        var passwordMatches = passwords.Verify(account.PasswordHash, password);
        if (account.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            await audit.AppendAsync(AccountAudit.Of(user, action, source, AuditOutcomes.Refused, new { reason = "locked" }));
            return SignIn.Failed;
        }
        if (user.Disabled)
        {
            await audit.AppendAsync(AccountAudit.Of(user, action, source, AuditOutcomes.Refused, new { reason = "disabled" }));
            return SignIn.Failed;
        }
        if (!passwordMatches)
        {
            var failure = await store.RecordFailedLoginAsync(
                user.Id,
                now,
                Lockout,
                AccountAudit.Of(user, action, source, AuditOutcomes.Refused, new { reason = "wrong-password" }),
                AccountAudit.Of(user, "account.lockout", source, AuditOutcomes.Refused, new { failures = Options.MaxFailedLogins, minutes = (int)Options.LockoutDuration.TotalMinutes }));
            if (failure.LockedNow)
            {
                logger.LogWarning("Staff account {UserId} locked until {LockedUntil} after {Failures} failed logins", user.Id, failure.LockedUntil, failure.Failures);
            }
            return SignIn.Failed;
        }
        var (token, hash) = StaffPasswords.NewRefreshToken();
        await store.RecordLoginAsync(
            user.Id, new NewRefreshToken(Guid.CreateVersion7(), hash, now, RefreshExpiry(now)), AccountAudit.Of(user, action, source, AuditOutcomes.Ok));
        return new SignIn(StaffUserViews.View(user), token);
    }

    async Task<SignIn> IAccountGrain.Refresh(string refreshToken, string? source)
    {
        var now = clock.GetCurrentInstant();
        var (token, hash) = StaffPasswords.NewRefreshToken();
        var result = await store.RotateAsync(
            StaffPasswords.RefreshTokenHash(refreshToken ?? ""),
            new NewRefreshToken(Guid.Empty, hash, now, RefreshExpiry(now)),
            r => r.Outcome switch
            {
                RefreshOutcome.Rotated => AccountAudit.Of(r.User, "account.refresh", source, AuditOutcomes.Ok),
                RefreshOutcome.Reused => AccountAudit.Of(r.User, "account.refresh-reuse", source, AuditOutcomes.Refused, new { revoked = "family" }),
                _ => AccountAudit.Of(r.User, "account.refresh", source, AuditOutcomes.Refused, new { reason = r.User is { Disabled: true } ? "disabled" : "invalid" }),
            });
        if (result.Outcome == RefreshOutcome.Reused)
        {
            logger.LogWarning("A used refresh token of staff account {UserId} was presented again: its login is revoked", result.User?.Id);
        }
        return result.Outcome == RefreshOutcome.Rotated ? new SignIn(StaffUserViews.View(result.User!), token) : SignIn.Failed;
    }

    async Task IAccountGrain.Logout(string refreshToken, string? source) =>
        await store.RevokeAsync(
            StaffPasswords.RefreshTokenHash(refreshToken ?? ""), clock.GetCurrentInstant(), user => AccountAudit.Of(user, "account.logout", source, AuditOutcomes.Ok));

    async Task<StaffUserView?> IAccountGrain.Find(Guid userId) =>
        await store.GetAsync(userId) is { } user ? StaffUserViews.View(user) : null;

    private Instant RefreshExpiry(Instant now) => now + Duration.FromTimeSpan(Options.RefreshTokenLifetime);
}
