using Npgsql;
using NpgsqlTypes;
using NmtPractice.Domain.Appointments;
using NmtPractice.Persistence;

namespace NmtPractice.Server.Seeding;

/// <summary>
/// Writes generated appointments straight into the ledger with binary COPY, in one transaction: the table's own
/// triggers (the report usage trigger, when migrated) are off while it loads, earlier seeded rows (request ids
/// starting <see cref="AppointmentGenerator.RequestIdPrefix"/>) are replaced, the clinics' zones are registered for
/// reports, and the report usage is rebuilt from the ledger before commit. The exclusion constraints stay on: a generated overlap would fail the load.
/// </summary>
public static class LedgerBulkLoader
{
    public sealed record LoadResult(long Rows, long Replaced, TimeSpan CopyTime, TimeSpan RebuildTime, bool UsageRebuilt);

    public static async Task<LoadResult> LoadAsync(
        NpgsqlDataSource dataSource, IReadOnlyList<(string ClinicId, string TimeZoneId)> clinics, IEnumerable<AppointmentRecord> rows,
        Action<long> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(clinics);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(progress);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, "ALTER TABLE appointments DISABLE TRIGGER USER", ct);
        var replaced = await ExecuteAsync(connection, $"DELETE FROM appointments WHERE request_id LIKE '{AppointmentGenerator.RequestIdPrefix}%'", ct);
        var reports = await ExistsAsync(connection, "usage_rebuild", ct);
        if (reports)
        {
            // Reports need each clinic's zone (report_clinics); registering is idempotent.
            foreach (var (clinicId, zone) in clinics)
            {
                await using var register = new NpgsqlCommand("SELECT usage_register_clinic($1, $2)", connection) { CommandTimeout = 0 };
                register.Parameters.Add(new NpgsqlParameter { Value = clinicId, NpgsqlDbType = NpgsqlDbType.Text });
                register.Parameters.Add(new NpgsqlParameter { Value = zone, NpgsqlDbType = NpgsqlDbType.Text });
                await register.ExecuteScalarAsync(ct);
            }
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        long written = 0;
        await using (var writer = await connection.BeginBinaryImportAsync(
            $"COPY appointments ({AppointmentColumns.List}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var a in rows)
            {
                await AppointmentColumns.WriteAsync(writer, a, ct);
                if (++written % 10_000 == 0)
                {
                    progress(written);
                }
            }
            await writer.CompleteAsync(ct);
        }
        progress(written);
        var copyTime = watch.Elapsed;

        await ExecuteAsync(connection, "ALTER TABLE appointments ENABLE TRIGGER USER", ct);
        watch.Restart();
        if (reports)
        {
            await ExecuteAsync(connection, "SELECT usage_rebuild()", ct);
        }
        var rebuildTime = watch.Elapsed;
        await transaction.CommitAsync(ct);
        await ExecuteAsync(connection, "VACUUM ANALYZE appointments", ct);
        return new LoadResult(written, replaced, copyTime, rebuildTime, reports);
    }

    /// <summary>Whether the database has the report usage (migration 0003): older databases are seeded without it.</summary>
    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string function, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT to_regproc($1) IS NOT NULL", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = function, NpgsqlDbType = NpgsqlDbType.Text });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
#pragma warning disable CA2100 // Fixed statements.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
#pragma warning restore CA2100
        return await command.ExecuteNonQueryAsync(ct);
    }
}
