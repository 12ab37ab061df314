using NmtPractice.Persistence.Accounts;
using NmtPractice.Persistence.Records;
using NmtPractice.Testing;
using Npgsql;
using NodaTime;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// The staff-account store on real PostgreSQL, as the application role: case-insensitive unique emails, the lockout
/// counter under concurrent failures and across its window, refresh-token rotation and reuse detection, and an audit
/// row with every change, in its transaction.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StaffAccountStoreTests(PostgresFixture fixture)
{
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 2, 9, 0);
    private static readonly LockoutPolicy Policy = new(5, Duration.FromMinutes(15), Duration.FromMinutes(15));

    private static AuditEntry Audit(string action) => new("test", "system", null, action, "staff_user", null, null, null, null, AuditOutcomes.Ok);

    private static StoredStaffUser User(string email) => new(Guid.NewGuid(), email, "Sam", "front-desk", ["c1"], null, false);

    private async Task<(NpgsqlDataSource Data, StaffAccountStore Store)> FreshAsync()
    {
        var data = NpgsqlDataSource.Create(await fixture.CreateDatabaseAsync("accounts"));
        return (data, new StaffAccountStore(data));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task An_email_is_one_account_whatever_its_case_and_each_creation_is_audited()
    {
        var (data, store) = await FreshAsync();
        await using var _ = data;
        Assert.True(await store.CreateAsync(User("sam@example.com"), "hash", Now, Audit("account.create")));
        Assert.False(await store.CreateAsync(User("SAM@Example.com"), "hash", Now, Audit("account.create")));
        Assert.Equal("sam@example.com", (await store.FindByEmailAsync("Sam@EXAMPLE.com"))!.User.Email);
        Assert.Equal(1, await CountAsync(data, "SELECT count(*) FROM audit_log WHERE action = 'account.create'"));
    }

    [Fact]
    public async Task Concurrent_failures_all_count_the_fifth_locks_and_a_failure_after_the_window_starts_over()
    {
        var (data, store) = await FreshAsync();
        await using var _ = data;
        var user = User("lock@example.com");
        await store.CreateAsync(user, "hash", Now, Audit("account.create"));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            store.RecordFailedLoginAsync(user.Id, Now, Policy, Audit("account.login"), Audit("account.lockout"))));
        Assert.Equal(Enumerable.Range(1, 8), results.Select(r => r.Failures).Order());
        Assert.Single(results, r => r.LockedNow);
        Assert.Equal(Now + Duration.FromMinutes(15), (await store.FindByEmailAsync(user.Email))!.LockedUntil);
        Assert.Equal(1, await CountAsync(data, "SELECT count(*) FROM audit_log WHERE action = 'account.lockout'"));
        Assert.Equal(8, await CountAsync(data, "SELECT count(*) FROM audit_log WHERE action = 'account.login'"));

        var later = Now + Duration.FromMinutes(20);
        var fresh = await store.RecordFailedLoginAsync(user.Id, later, Policy, Audit("account.login"), Audit("account.lockout"));
        Assert.Equal(new FailedLogin(1, Now + Duration.FromMinutes(15), false), fresh);
    }

    [Fact]
    public async Task A_login_clears_the_failures()
    {
        var (data, store) = await FreshAsync();
        await using var _ = data;
        var user = User("clear@example.com");
        await store.CreateAsync(user, "hash", Now, Audit("account.create"));
        for (var i = 0; i < 4; i++)
        {
            await store.RecordFailedLoginAsync(user.Id, Now, Policy, Audit("account.login"), Audit("account.lockout"));
        }
        await store.RecordLoginAsync(user.Id, new NewRefreshToken(Guid.NewGuid(), [1, 2, 3], Now, Now + Duration.FromDays(1)), Audit("account.login"));
        var next = await store.RecordFailedLoginAsync(user.Id, Now, Policy, Audit("account.login"), Audit("account.lockout"));
        Assert.Equal(1, next.Failures);
    }

    [Fact]
    public async Task A_refresh_token_rotates_once_and_its_reuse_revokes_the_family()
    {
        var (data, store) = await FreshAsync();
        await using var _ = data;
        var user = User("rotate@example.com");
        await store.CreateAsync(user, "hash", Now, Audit("account.create"));
        var family = Guid.NewGuid();
        await store.RecordLoginAsync(user.Id, new NewRefreshToken(family, [1], Now, Now + Duration.FromDays(1)), Audit("account.login"));
        AuditEntry Audited(RefreshResult r) => Audit("account.refresh." + r.Outcome.ToString().ToLowerInvariant());

        var rotated = await store.RotateAsync([1], new NewRefreshToken(Guid.Empty, [2], Now, Now + Duration.FromDays(1)), Audited);
        Assert.Equal(RefreshOutcome.Rotated, rotated.Outcome);
        Assert.Equal(user.Id, rotated.User!.Id);
        Assert.Equal(family, await FamilyOfAsync(data, [2]));

        Assert.Equal(RefreshOutcome.Reused, (await store.RotateAsync([1], new NewRefreshToken(Guid.Empty, [3], Now, Now + Duration.FromDays(1)), Audited)).Outcome);
        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync([2], new NewRefreshToken(Guid.Empty, [4], Now, Now + Duration.FromDays(1)), Audited)).Outcome);
        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync([9], new NewRefreshToken(Guid.Empty, [5], Now, Now + Duration.FromDays(1)), Audited)).Outcome);
        Assert.Equal(0, await CountAsync(data, "SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL AND used_at IS NULL"));
        Assert.Equal(
            ["account.refresh.rotated", "account.refresh.reused", "account.refresh.invalid", "account.refresh.invalid"],
            await ActionsAsync(data, "account.refresh%"));
    }

    [Fact]
    public async Task An_expired_refresh_token_and_one_of_a_disabled_account_are_invalid()
    {
        var (data, store) = await FreshAsync();
        await using var _ = data;
        var user = User("expired@example.com");
        await store.CreateAsync(user, "hash", Now, Audit("account.create"));
        await store.RecordLoginAsync(user.Id, new NewRefreshToken(Guid.NewGuid(), [1], Now, Now + Duration.FromHours(1)), Audit("account.login"));
        await store.RecordLoginAsync(user.Id, new NewRefreshToken(Guid.NewGuid(), [2], Now, Now + Duration.FromDays(1)), Audit("account.login"));
        var later = Now + Duration.FromHours(2);
        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync([1], new NewRefreshToken(Guid.Empty, [3], later, later + Duration.FromDays(1)), _ => Audit("r"))).Outcome);

        Assert.True((await store.DisableAsync(user.Id, later, Audit("account.disable")))!.Disabled);
        Assert.Equal(RefreshOutcome.Invalid, (await store.RotateAsync([2], new NewRefreshToken(Guid.Empty, [4], later, later + Duration.FromDays(1)), _ => Audit("r"))).Outcome);
        Assert.Null(await store.DisableAsync(Guid.NewGuid(), later, Audit("account.disable")));
        Assert.Equal(1, await CountAsync(data, "SELECT count(*) FROM audit_log WHERE action = 'account.disable'"));

        // The next login deletes the account's expired token only.
        await store.RecordLoginAsync(user.Id, new NewRefreshToken(Guid.NewGuid(), [5], later, later + Duration.FromDays(1)), Audit("account.login"));
        Assert.Equal(0, await CountAsync(data, "SELECT count(*) FROM refresh_tokens WHERE token_hash = '\\x01'::bytea"));
        Assert.Equal(2, await CountAsync(data, "SELECT count(*) FROM refresh_tokens"));
    }

    private static async Task<Guid> FamilyOfAsync(NpgsqlDataSource data, byte[] hash)
    {
        await using var command = data.CreateCommand("SELECT family_id FROM refresh_tokens WHERE token_hash = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = hash });
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> ActionsAsync(NpgsqlDataSource data, string like)
    {
        await using var command = data.CreateCommand("SELECT action FROM audit_log WHERE action LIKE $1 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = like });
        var actions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            actions.Add(reader.GetString(0));
        }
        return actions;
    }
}
