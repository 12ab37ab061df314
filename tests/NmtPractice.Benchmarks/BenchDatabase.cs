using NmtPractice.Persistence;
using NmtPractice.Testing;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace NmtPractice.Benchmarks;

/// <summary>Ledger housekeeping for the benchmark: history seeding (COPY), resetting the future between runs, checks.</summary>
public sealed class BenchDatabase(NpgsqlDataSource dataSource)
{
    /// <summary>Request ids of seeded history start with this; everything else is the benchmark's and is wiped between runs.</summary>
    public const string HistoryPrefix = "hist-";

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>
    /// COPYs <paramref name="count"/> past appointments into the ledger, non-overlapping by construction: day by day
    /// backwards from yesterday, 75-minute slots from 08:00; a room is shared by therapists j, j+rooms, ... which take
    /// alternate slots; clients rotate so that a client never has two appointments within days of each other.
    /// Mostly fulfilled, some cancelled and no-shows, a few left 'booked'. Then ANALYZE.
    /// </summary>
    public async Task<int> SeedHistoryAsync(BenchChain chain, int count, LocalDate today, Action<string> progress, CancellationToken ct)
    {
        if (count <= 0)
        {
            return 0;
        }
        var rnd = new Random(42);
        var groups = (chain.TherapistsPerClinic + chain.RoomsPerClinic - 1) / chain.RoomsPerClinic;
        var slots = (int)((Period.Between(BenchChain.Opens, BenchChain.Closes).ToDuration().TotalMinutes - 60) / 75) + 1;
        var written = 0;
        var client = 0;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        {
            await using var writer = await conn.BeginBinaryImportAsync(
                "COPY appointments (id, request_id, clinic_id, therapist_id, room_id, client_id, service_id, starts_at, ends_at, room_free_at, "
                + "status, hold_expires_at, cancel_reason, cancelled_late, created_at, updated_at, version) FROM STDIN (FORMAT BINARY)", ct);
            for (var back = 1; written < count; back++)
            {
                var date = today.PlusDays(-back);
                for (var k = 0; k < slots && written < count; k++)
                {
                    for (var c = 0; c < chain.ClinicCount && written < count; c++)
                    {
                        var clinic = chain.Clinics[c];
                        var startInstant = date.At(BenchChain.Opens.PlusMinutes(75 * k)).InZoneLeniently(clinic.Zone).ToInstant();
                        for (var j = 0; j < chain.TherapistsPerClinic && written < count; j++)
                        {
                            if (!BenchChain.WorksOn(j, date.DayOfWeek) || k % groups != j / chain.RoomsPerClinic)
                            {
                                continue;
                            }
                            var service = BenchChain.IsCertified(j) && j % chain.RoomsPerClinic < chain.HydraulicRooms
                                ? BenchChain.Services[2]
                                : BenchChain.Services[0];
                            var end = startInstant + service.Duration;
                            var roll = rnd.Next(100);
                            var (status, reason, late) = roll switch
                            {
                                < 84 => ("fulfilled", (string?)null, false),
                                < 92 => ("cancelled", "client-request", rnd.Next(4) == 0),
                                < 97 => ("noshow", null, false),
                                _ => ("booked", null, false),
                            };
                            var created = startInstant - Duration.FromDays(7 + rnd.Next(30));
                            await writer.StartRowAsync(ct);
                            await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, ct);
                            await writer.WriteAsync($"{HistoryPrefix}{written}", NpgsqlDbType.Text, ct);
                            await writer.WriteAsync(clinic.Id, NpgsqlDbType.Text, ct);
                            await writer.WriteAsync(BenchChain.TherapistId(c, j), NpgsqlDbType.Text, ct);
                            await writer.WriteAsync(BenchChain.RoomId(j % chain.RoomsPerClinic), NpgsqlDbType.Text, ct);
                            await writer.WriteAsync(BenchChain.ClientId(client++ % chain.ClientCount), NpgsqlDbType.Text, ct);
                            await writer.WriteAsync(service.Id, NpgsqlDbType.Text, ct);
                            await writer.WriteAsync(startInstant.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                            await writer.WriteAsync(end.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                            await writer.WriteAsync((end + service.Turnover).ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                            await writer.WriteAsync(status, NpgsqlDbType.Text, ct);
                            await writer.WriteNullAsync(ct);
                            if (reason is null)
                            {
                                await writer.WriteNullAsync(ct);
                            }
                            else
                            {
                                await writer.WriteAsync(reason, NpgsqlDbType.Text, ct);
                            }
                            await writer.WriteAsync(late, NpgsqlDbType.Boolean, ct);
                            await writer.WriteAsync(created.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                            await writer.WriteAsync(end.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
                            await writer.WriteAsync(status == "booked" ? 1 : 2, NpgsqlDbType.Integer, ct);
                            if (++written % 50_000 == 0)
                            {
                                progress($"{written}/{count} history rows");
                            }
                        }
                    }
                }
            }
            await writer.CompleteAsync(ct);
        }
        await ExecuteAsync("VACUUM ANALYZE appointments", ct);
        return written;
    }

    /// <summary>Deletes everything the benchmark wrote (keeps the history), then VACUUM ANALYZE, so every run starts alike.</summary>
    public async Task ResetAsync(CancellationToken ct)
    {
        await ExecuteAsync($"DELETE FROM appointments WHERE request_id NOT LIKE '{HistoryPrefix}%'", ct);
        await ExecuteAsync("VACUUM ANALYZE appointments", ct);
    }

    public async Task<long> CountAsync(string where, CancellationToken ct)
    {
#pragma warning disable CA2100 // Fixed benchmark SQL.
        await using var cmd = dataSource.CreateCommand($"SELECT count(*) FROM appointments WHERE {where}");
#pragma warning restore CA2100
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public Task<long> CountOverlapsAsync(CancellationToken ct) => new LedgerOracle(dataSource).CountOverlapsAsync(ct);

    public async Task<string> ServerVersionAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT version()");
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<string> SettingAsync(string name, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT current_setting($1)");
        cmd.Parameters.AddWithValue(name);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
#pragma warning disable CA2100 // Fixed benchmark SQL.
        await using var cmd = dataSource.CreateCommand(sql);
#pragma warning restore CA2100
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
