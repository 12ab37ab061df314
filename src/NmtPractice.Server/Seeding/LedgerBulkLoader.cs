using Npgsql;
using NpgsqlTypes;
using NmtPractice.Domain.Appointments;

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
        NpgsqlDataSource dataSource, IReadOnlyList<(string ClinicId, string TimeZoneId)> clinics, IEnumerable<SeedAppointment> rows,
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
            "COPY appointments (id, request_id, clinic_id, therapist_id, room_id, client_id, service_id, starts_at, ends_at, room_free_at, "
            + "status, hold_expires_at, cancel_reason, cancelled_late, created_at, updated_at, version) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var a in rows)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(a.Id, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(a.RequestId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(a.ClinicId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(a.TherapistId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(a.RoomId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(a.ClientId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(a.ServiceId, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(a.Start.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(a.End.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(a.RoomFreeAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(a.Status.ToFhir(), NpgsqlDbType.Text, ct);
                await writer.WriteNullAsync(ct);
                if (a.CancelReason is null)
                {
                    await writer.WriteNullAsync(ct);
                }
                else
                {
                    await writer.WriteAsync(a.CancelReason, NpgsqlDbType.Text, ct);
                }
                await writer.WriteAsync(a.CancelledLate, NpgsqlDbType.Boolean, ct);
                await writer.WriteAsync(a.CreatedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(a.UpdatedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(a.Version, NpgsqlDbType.Integer, ct);
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
