using Npgsql;

namespace NmtPractice.Hosting;

/// <summary>
/// For a silo that is by construction the only one of its cluster (the embedded server on its private PostgreSQL):
/// before it starts, every silo row of the cluster left in the membership table is declared dead. A silo that was
/// killed (SIGKILL, power loss) never marks itself dead, and its successor listens on a new port, so Orleans cannot
/// recognise it as an older generation of itself: the new silo would try to reach the dead one before joining and
/// would wait until the timeouts expired (70-100 s with the default options).
/// </summary>
/// <remarks>
/// Only correct when no other silo can be alive on this database; a cluster on a shared database must not call it
/// (there Orleans' own failure detection votes dead silos out, and a silo restarted on the same address and port
/// replaces its older generation by itself). The change honours the ADO.NET clustering contract: the rows change and
/// the table version is bumped in one transaction, so any reader holding the old version must re-read.
/// </remarks>
public static class SoleSiloMembership
{
    /// <summary>Orleans' <c>SiloStatus.Dead</c> as stored in the membership table.</summary>
    public const int DeadStatus = 6;

    /// <summary>
    /// Declares dead every silo of <paramref name="clusterId"/> that the membership table does not already know to be
    /// dead, and returns how many there were. Does nothing (returns 0) before the clustering migration has run.
    /// </summary>
    public static async Task<int> DeclarePredecessorsDeadAsync(string connectionString, string clusterId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        try
        {
            // Lock the version row first, as Orleans' own conditional writes do, so the two changes are one step.
            await using (var version = new NpgsqlCommand(
                "SELECT version FROM orleans_membership_version WHERE deployment_id = @cluster FOR UPDATE", connection, transaction))
            {
                version.Parameters.AddWithValue("cluster", clusterId);
                if (await version.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
                {
                    return 0;
                }
            }

            int declared;
            await using (var dead = new NpgsqlCommand(
                """
                UPDATE orleans_membership
                   SET status = @dead
                 WHERE deployment_id = @cluster AND status <> @dead
                """, connection, transaction))
            {
                dead.Parameters.AddWithValue("cluster", clusterId);
                dead.Parameters.AddWithValue("dead", DeadStatus);
                declared = await dead.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            if (declared > 0)
            {
                await using var bump = new NpgsqlCommand(
                    "UPDATE orleans_membership_version SET version = version + 1, changed_at = now() WHERE deployment_id = @cluster",
                    connection,
                    transaction);
                bump.Parameters.AddWithValue("cluster", clusterId);
                await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return declared;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Not migrated yet: no membership table, so no predecessor either.
            return 0;
        }
    }
}
