using System.Data.Common;
using NmtPractice.Persistence.Records;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace NmtPractice.Persistence.Accounts;

/// <summary>
/// Staff accounts and refresh tokens (tables staff_users and refresh_tokens, migration 0050). Every change writes its
/// audit row in its own transaction, so a change without its row cannot commit. Times come from the caller's clock.
/// </summary>
public sealed class StaffAccountStore(NpgsqlDataSource dataSource)
{
    public const int MaxPage = 500;

    private const string UserColumns = "id, email, display_name, role, clinic_ids, therapist_id, disabled";

    /// <summary>Stores a new account; false when an account with the same email (any case) exists.</summary>
    public async Task<bool> CreateAsync(StoredStaffUser user, string passwordHash, Instant now, AuditEntry audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO staff_users (id, email, display_name, role, clinic_ids, therapist_id, password_hash, disabled, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8, $8)
            ON CONFLICT DO NOTHING
            """,
            connection,
            tx))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = user.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.Email });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.DisplayName });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.Role });
            insert.Parameters.Add(new NpgsqlParameter { Value = user.ClinicIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)user.TherapistId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = passwordHash });
            insert.Parameters.Add(Time(now));
            if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }
        await AuditLog.InsertAsync(connection, tx, audit, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The account with this email (compared case-insensitively), with its password hash and lockout.</summary>
    public async Task<StaffCredentials?> FindByEmailAsync(string email, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {UserColumns}, password_hash, locked_until FROM staff_users WHERE lower(email) = lower($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = email });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false)
            ? new StaffCredentials(ReadUser(reader), reader.GetString(7), OptionalInstant(reader, 8))
            : null;
    }

    public async Task<StoredStaffUser?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {UserColumns} FROM staff_users WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadUser(reader) : null;
    }

    /// <summary>Up to <paramref name="limit"/> accounts by email (lower case), after <paramref name="afterEmail"/> when given.</summary>
    public async Task<IReadOnlyList<StoredStaffUser>> ListAsync(string? afterEmail, int limit, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {UserColumns} FROM staff_users WHERE $1::text IS NULL OR lower(email) > lower($1) ORDER BY lower(email) LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)afterEmail ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, MaxPage) });
        var users = new List<StoredStaffUser>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            users.Add(ReadUser(reader));
        }
        return users;
    }

    /// <summary>Replaces the display name, role, clinics and therapist id; null when there is no such account.</summary>
    public Task<StoredStaffUser?> UpdateAsync(StoredStaffUser user, Instant now, AuditEntry audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return ChangeAsync(
            user.Id,
            "display_name = $3, role = $4, clinic_ids = $5, therapist_id = $6",
            command =>
            {
                command.Parameters.Add(new NpgsqlParameter { Value = user.DisplayName });
                command.Parameters.Add(new NpgsqlParameter { Value = user.Role });
                command.Parameters.Add(new NpgsqlParameter { Value = user.ClinicIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)user.TherapistId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            },
            revokeTokens: null,
            now,
            audit,
            ct);
    }

    /// <summary>Disables the account and revokes its refresh tokens; null when there is no such account.</summary>
    public Task<StoredStaffUser?> DisableAsync(Guid id, Instant now, AuditEntry audit, CancellationToken ct = default) =>
        ChangeAsync(id, "disabled = true", _ => { }, revokeTokens: "disabled", now, audit, ct);

    /// <summary>Sets a new password hash, lifts any lockout and revokes the refresh tokens; null when there is no such account.</summary>
    public Task<StoredStaffUser?> SetPasswordAsync(Guid id, string passwordHash, Instant now, AuditEntry audit, CancellationToken ct = default) =>
        ChangeAsync(
            id,
            "password_hash = $3, failed_logins = 0, failure_window_start = NULL, locked_until = NULL",
            command => command.Parameters.Add(new NpgsqlParameter { Value = passwordHash }),
            revokeTokens: "password-reset",
            now,
            audit,
            ct);

    /// <summary>
    /// Counts a failed login in one statement (so concurrent failures all count): a failure after the window restarts
    /// it; reaching the policy's maximum locks the account. Writes <paramref name="audit"/>, and <paramref name="lockout"/>
    /// when this failure locked it, in the same transaction.
    /// </summary>
    public async Task<FailedLogin> RecordFailedLoginAsync(Guid id, Instant now, LockoutPolicy policy, AuditEntry audit, AuditEntry lockout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        FailedLogin result;
        await using (var command = new NpgsqlCommand(
            """
            WITH counted AS (
                SELECT id,
                       CASE WHEN failure_window_start IS NULL OR failure_window_start <= $2 - $3 THEN 1 ELSE failed_logins + 1 END AS failures,
                       CASE WHEN failure_window_start IS NULL OR failure_window_start <= $2 - $3 THEN $2 ELSE failure_window_start END AS window_start,
                       locked_until AS was_locked_until
                  FROM staff_users WHERE id = $1 FOR UPDATE)
            UPDATE staff_users u
               SET failed_logins = c.failures,
                   failure_window_start = c.window_start,
                   locked_until = CASE WHEN c.failures >= $4 AND (u.locked_until IS NULL OR u.locked_until <= $2) THEN $2 + $5 ELSE u.locked_until END
              FROM counted c
             WHERE u.id = c.id
            RETURNING u.failed_logins, u.locked_until, u.locked_until IS DISTINCT FROM c.was_locked_until
            """,
            connection,
            tx))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(Time(now));
            command.Parameters.Add(new NpgsqlParameter { Value = policy.Window.ToTimeSpan(), NpgsqlDbType = NpgsqlDbType.Interval });
            command.Parameters.Add(new NpgsqlParameter { Value = policy.MaxFailures });
            command.Parameters.Add(new NpgsqlParameter { Value = policy.LockFor.ToTimeSpan(), NpgsqlDbType = NpgsqlDbType.Interval });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            result = await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new FailedLogin(reader.GetInt32(0), OptionalInstant(reader, 1), reader.GetBoolean(2))
                : new FailedLogin(0, null, false);
        }
        await AuditLog.InsertAsync(connection, tx, audit, ct).ConfigureAwait(false);
        if (result.LockedNow)
        {
            await AuditLog.InsertAsync(connection, tx, lockout, ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>A successful login: clears the failure count, stores the first refresh token of a new family, audits.</summary>
    public async Task RecordLoginAsync(Guid userId, NewRefreshToken token, AuditEntry audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var reset = new NpgsqlCommand(
            "UPDATE staff_users SET failed_logins = 0, failure_window_start = NULL, locked_until = NULL WHERE id = $1", connection, tx))
        {
            reset.Parameters.Add(new NpgsqlParameter { Value = userId });
            await reset.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await InsertTokenAsync(connection, tx, userId, token, ct).ConfigureAwait(false);
        await AuditLog.InsertAsync(connection, tx, audit, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Uses up the refresh token whose hash is <paramref name="presentedHash"/> and stores <paramref name="next"/> in
    /// its family (<see cref="RefreshOutcome.Rotated"/>). A token used before revokes its family
    /// (<see cref="RefreshOutcome.Reused"/>); an unknown, expired or revoked token, or one of a disabled account, is
    /// <see cref="RefreshOutcome.Invalid"/>. The audit row (<paramref name="audit"/> of the outcome) is written in the
    /// same transaction.
    /// </summary>
    public async Task<RefreshResult> RotateAsync(
        byte[] presentedHash, NewRefreshToken next, Func<RefreshResult, AuditEntry> audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        Guid tokenId, familyId;
        bool used, revoked, expired;
        StoredStaffUser user;
        await using (var find = new NpgsqlCommand(
            $"""
            SELECT u.{UserColumns.Replace(", ", ", u.", StringComparison.Ordinal)},
                   t.id, t.family_id, t.used_at IS NOT NULL, t.revoked_at IS NOT NULL, t.expires_at <= $2
              FROM refresh_tokens t JOIN staff_users u ON u.id = t.user_id
             WHERE t.token_hash = $1
               FOR UPDATE OF t
            """,
            connection,
            tx))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = presentedHash });
            find.Parameters.Add(Time(next.CreatedAt));
            await using var reader = await find.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                return await FinishAsync(new RefreshResult(RefreshOutcome.Invalid, null)).ConfigureAwait(false);
            }
            user = ReadUser(reader);
            (tokenId, familyId, used, revoked, expired) = (reader.GetGuid(7), reader.GetGuid(8), reader.GetBoolean(9), reader.GetBoolean(10), reader.GetBoolean(11));
        }
        if (used && !revoked)
        {
            await RevokeFamilyAsync(connection, tx, familyId, next.CreatedAt, "reused", ct).ConfigureAwait(false);
            return await FinishAsync(new RefreshResult(RefreshOutcome.Reused, user)).ConfigureAwait(false);
        }
        if (used || revoked || expired || user.Disabled)
        {
            if (user.Disabled)
            {
                await RevokeFamilyAsync(connection, tx, familyId, next.CreatedAt, "disabled", ct).ConfigureAwait(false);
            }
            return await FinishAsync(new RefreshResult(RefreshOutcome.Invalid, user)).ConfigureAwait(false);
        }
        await using (var use = new NpgsqlCommand("UPDATE refresh_tokens SET used_at = $2 WHERE id = $1", connection, tx))
        {
            use.Parameters.Add(new NpgsqlParameter { Value = tokenId });
            use.Parameters.Add(Time(next.CreatedAt));
            await use.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await InsertTokenAsync(connection, tx, user.Id, next with { FamilyId = familyId }, ct).ConfigureAwait(false);
        return await FinishAsync(new RefreshResult(RefreshOutcome.Rotated, user)).ConfigureAwait(false);

        async Task<RefreshResult> FinishAsync(RefreshResult result)
        {
            await AuditLog.InsertAsync(connection, tx, audit(result), ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }
    }

    /// <summary>Logout: revokes the family of the token with this hash; the account it belonged to, or null for an unknown token.</summary>
    public async Task<StoredStaffUser?> RevokeAsync(byte[] presentedHash, Instant now, Func<StoredStaffUser, AuditEntry> audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        Guid familyId;
        StoredStaffUser user;
        await using (var find = new NpgsqlCommand(
            $"SELECT u.{UserColumns.Replace(", ", ", u.", StringComparison.Ordinal)}, t.family_id FROM refresh_tokens t JOIN staff_users u ON u.id = t.user_id WHERE t.token_hash = $1",
            connection,
            tx))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = presentedHash });
            await using var reader = await find.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                return null;
            }
            (user, familyId) = (ReadUser(reader), reader.GetGuid(7));
        }
        await RevokeFamilyAsync(connection, tx, familyId, now, "logout", ct).ConfigureAwait(false);
        await AuditLog.InsertAsync(connection, tx, audit(user), ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return user;
    }

    /// <summary>Deletes refresh tokens that expired before <paramref name="before"/>; the number deleted.</summary>
    public async Task<int> PruneExpiredTokensAsync(Instant before, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM refresh_tokens WHERE expires_at < $1");
        command.Parameters.Add(Time(before));
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task<StoredStaffUser?> ChangeAsync(
        Guid id, string assignments, Action<NpgsqlCommand> addParameters, string? revokeTokens, Instant now, AuditEntry audit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        StoredStaffUser? user;
#pragma warning disable CA2100 // The assignments are ours; values are parameters.
        await using (var update = new NpgsqlCommand($"UPDATE staff_users SET {assignments}, updated_at = $2 WHERE id = $1 RETURNING {UserColumns}", connection, tx))
#pragma warning restore CA2100
        {
            update.Parameters.Add(new NpgsqlParameter { Value = id });
            update.Parameters.Add(Time(now));
            addParameters(update);
            await using var reader = await update.ExecuteReaderAsync(ct).ConfigureAwait(false);
            user = await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadUser(reader) : null;
        }
        if (user is null)
        {
            return null;
        }
        if (revokeTokens is not null)
        {
            await using var revoke = new NpgsqlCommand(
                "UPDATE refresh_tokens SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL", connection, tx);
            revoke.Parameters.Add(new NpgsqlParameter { Value = id });
            revoke.Parameters.Add(Time(now));
            revoke.Parameters.Add(new NpgsqlParameter { Value = revokeTokens });
            await revoke.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await AuditLog.InsertAsync(connection, tx, audit, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return user;
    }

    private static async Task InsertTokenAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid userId, NewRefreshToken token, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)", connection, tx);
        insert.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        insert.Parameters.Add(new NpgsqlParameter { Value = token.FamilyId });
        insert.Parameters.Add(new NpgsqlParameter { Value = userId });
        insert.Parameters.Add(new NpgsqlParameter { Value = token.Hash });
        insert.Parameters.Add(Time(token.CreatedAt));
        insert.Parameters.Add(Time(token.ExpiresAt));
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task RevokeFamilyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid familyId, Instant now, string reason, CancellationToken ct)
    {
        await using var revoke = new NpgsqlCommand(
            "UPDATE refresh_tokens SET revoked_at = $2, revoked_reason = $3 WHERE family_id = $1 AND revoked_at IS NULL", connection, tx);
        revoke.Parameters.Add(new NpgsqlParameter { Value = familyId });
        revoke.Parameters.Add(Time(now));
        revoke.Parameters.Add(new NpgsqlParameter { Value = reason });
        await revoke.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static NpgsqlParameter Time(Instant instant) => new() { Value = instant.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static StoredStaffUser ReadUser(DbDataReader reader) =>
        new(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetFieldValue<string[]>(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetBoolean(6));

    private static Instant? OptionalInstant(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
}
