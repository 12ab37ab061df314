using Npgsql;

namespace NmtPractice.Testing;

/// <summary>
/// Independent checks of the ledger for tests and benchmarks, written without the ledger's own code: plain comparisons,
/// no range types, no constraints.
/// </summary>
public sealed class LedgerOracle(NpgsqlDataSource dataSource)
{
    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));

    /// <summary>
    /// Invariant 1: the number of pairs of active appointments overlapping on therapist, on room (same clinic, room
    /// occupancy until roomFreeAt) or on client, summed over the three. Must always be 0.
    /// </summary>
    public async Task<long> CountOverlapsAsync(CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            """
            WITH act AS (
                SELECT id, clinic_id, therapist_id, room_id, client_id, starts_at, ends_at, room_free_at
                  FROM appointments WHERE status IN ('pending', 'booked', 'arrived'))
            SELECT
              (SELECT count(*) FROM act a JOIN act b ON a.id < b.id AND a.therapist_id = b.therapist_id
                 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at)
            + (SELECT count(*) FROM act a JOIN act b ON a.id < b.id AND a.clinic_id = b.clinic_id AND a.room_id = b.room_id
                 AND a.starts_at < b.room_free_at AND b.starts_at < a.room_free_at)
            + (SELECT count(*) FROM act a JOIN act b ON a.id < b.id AND a.client_id = b.client_id
                 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at)
            """);
        cmd.CommandTimeout = 0;
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }
}
