using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace NmtPractice.Persistence.Requests;

/// <summary>
/// The request_log table (migration 0020): request ids of the mutations the ledger does not key, with a fingerprint of
/// the request, its state ('running' under a lease, then 'done' with the answer), and the clients it named (erasure
/// deletes those rows). Times are the database's, so silos with skewed clocks agree on leases.
/// </summary>
public sealed class RequestLog(NpgsqlDataSource dataSource)
{
    /// <summary>What a claim found: the state, the stored fingerprint and, when done, the answer.</summary>
    public sealed record Entry(bool Claimed, bool SameFingerprint, bool Done, byte[]? Response, string[] Trailers);

    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));

    /// <summary>
    /// Claims <paramref name="requestId"/> for <paramref name="fingerprint"/> for <paramref name="lease"/>: a new id, or a
    /// running claim of the same request whose lease lapsed (its caller died), is taken; otherwise the entry as it is.
    /// </summary>
    public async Task<Entry> ClaimAsync(string requestId, byte[] fingerprint, string operation, TimeSpan lease, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        ArgumentNullException.ThrowIfNull(fingerprint);
        for (var attempt = 1; ; attempt++)
        {
            await using (var claim = _dataSource.CreateCommand(
                """
                INSERT INTO request_log (request_id, fingerprint, operation, state, lease_until, created_at)
                VALUES ($1, $2, $3, 'running', now() + $4, now())
                ON CONFLICT (request_id) DO UPDATE
                   SET lease_until = EXCLUDED.lease_until, created_at = EXCLUDED.created_at
                 WHERE request_log.state = 'running' AND request_log.lease_until < now()
                   AND request_log.fingerprint = EXCLUDED.fingerprint
                RETURNING request_id
                """))
            {
                claim.Parameters.Add(new NpgsqlParameter { Value = requestId, NpgsqlDbType = NpgsqlDbType.Text });
                claim.Parameters.Add(new NpgsqlParameter { Value = fingerprint, NpgsqlDbType = NpgsqlDbType.Bytea });
                claim.Parameters.Add(new NpgsqlParameter { Value = operation, NpgsqlDbType = NpgsqlDbType.Text });
                claim.Parameters.Add(new NpgsqlParameter { Value = lease, NpgsqlDbType = NpgsqlDbType.Interval });
                if (await claim.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
                {
                    return new Entry(true, true, false, null, []);
                }
            }

            await using var read = _dataSource.CreateCommand("SELECT fingerprint, state, response, trailers FROM request_log WHERE request_id = $1");
            read.Parameters.Add(new NpgsqlParameter { Value = requestId, NpgsqlDbType = NpgsqlDbType.Text });
            await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var same = reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(fingerprint);
                var done = reader.GetString(1) == "done";
                return new Entry(false, same, done, done && same ? reader.GetFieldValue<byte[]>(2) : null, done && same ? reader.GetFieldValue<string[]>(3) : []);
            }
            if (attempt >= 3)
            {
                // Claimed and released between our two statements, three times over: report it as running.
                return new Entry(false, true, false, null, []);
            }
        }
    }

    /// <summary>Stores the answer of a running claim of this request.</summary>
    public async Task CompleteAsync(string requestId, byte[] fingerprint, byte[] response, IReadOnlyList<string> trailers, IReadOnlyList<string> clientIds, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            "UPDATE request_log SET state = 'done', response = $3, trailers = $4, client_ids = $5 WHERE request_id = $1 AND fingerprint = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = requestId, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = fingerprint, NpgsqlDbType = NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new NpgsqlParameter { Value = response, NpgsqlDbType = NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new NpgsqlParameter { Value = trailers.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = clientIds.Distinct(StringComparer.Ordinal).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Deletes a running claim of this request (its call failed), so that a retry runs it again.</summary>
    public async Task ReleaseAsync(string requestId, byte[] fingerprint, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("DELETE FROM request_log WHERE request_id = $1 AND fingerprint = $2 AND state = 'running'");
        cmd.Parameters.Add(new NpgsqlParameter { Value = requestId, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = fingerprint, NpgsqlDbType = NpgsqlDbType.Bytea });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Deletes entries created before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PruneAsync(Instant before, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("DELETE FROM request_log WHERE created_at < $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = before.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
