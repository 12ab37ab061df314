using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace NmtPractice.Persistence.Outbox;

/// <summary>
/// The outbox_events table (migration 0040). The ledger's trigger appends the appointment events in the ledger's own
/// statements; <see cref="AppendAsync"/> appends the others. <see cref="ReadAsync"/> reads in cursor order and never
/// hands out a row past a hole that a transaction still running may fill, so a reader that resumes from the last
/// cursor it got misses nothing.
/// </summary>
public sealed class OutboxStore(NpgsqlDataSource dataSource)
{
    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));

    /// <summary>
    /// Appends one event in its own transaction; returns its cursor, or null when <see cref="NewOutboxEvent.DedupeKey"/>
    /// was appended before (a retried change).
    /// </summary>
    public async Task<long?> AppendAsync(NewOutboxEvent e, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(e);
        await using var cmd = _dataSource.CreateCommand("SELECT outbox_append($1, $2, $3, $4, $5, $6, $7::jsonb, $8)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = e.Type, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)e.SourceClinicId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = e.ClinicIds.Distinct(StringComparer.Ordinal).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = e.TherapistIds.Distinct(StringComparer.Ordinal).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = e.Subject, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = e.OccurredAt.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = e.DataJson, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)e.DedupeKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var seq = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return seq is long value ? value : null;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> events after <paramref name="afterCursor"/>, in cursor order, stopping before the
    /// first hole that may still fill. <see cref="OutboxPage.ScannedTo"/> is the last cursor the page vouches for.
    /// </summary>
    /// <remarks>
    /// Cursors are drawn in one order and committed in another, so a committed event may sit after a cursor whose
    /// transaction is still running. A read hands out rows up to the watermark (every cursor at or below it is final:
    /// committed and visible, or never), and beyond it only a run without a hole. The watermark: read the highest
    /// cursor drawn so far (M), then take a transaction id (R); every transaction that drew a cursor up to M had its id
    /// before the draw, so before R. Once the oldest running transaction is past R, all of them are over, and M is final.
    /// Each read checks the pending (M, R) and, when it is final, takes the next one (at most every
    /// <see cref="MinCaptureInterval"/> per store, so a silo spends few transaction ids on it).
    /// </remarks>
    public async Task<OutboxPage> ReadAsync(long afterCursor, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterCursor);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Watermark? pending;
        bool mayCapture;
        lock (_gate)
        {
            pending = _pending;
            mayCapture = Environment.TickCount64 - _lastCapture >= (long)MinCaptureInterval.TotalMilliseconds;
        }

        await using var batch = _dataSource.CreateBatch();
        var mark = new NpgsqlBatchCommand(
            """
            WITH m AS MATERIALIZED (
                SELECT CASE WHEN s.is_called THEN s.last_value ELSE 0 END AS drawn,
                       ($1::bigint IS NULL OR $1::bigint::text::xid8 < pg_snapshot_xmin(pg_current_snapshot())) AS final
                  FROM outbox_events_seq_seq s)
            SELECT drawn, final, CASE WHEN final AND $2 THEN pg_current_xact_id()::text::bigint END FROM m
            """);
        mark.Parameters.Add(new NpgsqlParameter { Value = (object?)pending?.Xid ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        mark.Parameters.Add(new NpgsqlParameter { Value = mayCapture, NpgsqlDbType = NpgsqlDbType.Boolean });
        batch.BatchCommands.Add(mark);
        var read = new NpgsqlBatchCommand(
            """
            SELECT seq, event_id, type, source_clinic, clinic_ids, therapist_ids, subject, occurred_at, data::text
              FROM outbox_events
             WHERE seq > $1
             ORDER BY seq
             LIMIT $2
            """);
        read.Parameters.Add(new NpgsqlParameter { Value = afterCursor, NpgsqlDbType = NpgsqlDbType.Bigint });
        read.Parameters.Add(new NpgsqlParameter { Value = limit, NpgsqlDbType = NpgsqlDbType.Integer });
        batch.BatchCommands.Add(read);

        var rows = new List<OutboxRow>();
        long safeUpTo;
        await using (var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            await reader.ReadAsync(ct).ConfigureAwait(false);
            var drawn = reader.GetInt64(0);
            var final = reader.GetBoolean(1);
            var xid = reader.IsDBNull(2) ? (long?)null : reader.GetInt64(2);
            lock (_gate)
            {
                if (final && pending is not null)
                {
                    _safeUpTo = Math.Max(_safeUpTo, pending.Drawn);
                }
                if (final && ReferenceEquals(_pending, pending))
                {
                    _pending = xid is { } captured ? new Watermark(drawn, captured) : null;
                    if (xid is not null)
                    {
                        _lastCapture = Environment.TickCount64;
                    }
                }
                safeUpTo = _safeUpTo;
            }

            await reader.NextResultAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows.Add(new OutboxRow(
                    reader.GetInt64(0),
                    reader.GetGuid(1),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetFieldValue<string[]>(4),
                    reader.GetFieldValue<string[]>(5),
                    reader.GetString(6),
                    Instant.FromDateTimeUtc(reader.GetFieldValue<DateTime>(7)),
                    reader.GetString(8)));
            }
        }

        return SafePrefix(afterCursor, limit, safeUpTo, rows);
    }

    /// <summary>How often a store takes a new watermark at most (each costs a transaction id).</summary>
    public static TimeSpan MinCaptureInterval { get; } = TimeSpan.FromMilliseconds(50);

    private sealed record Watermark(long Drawn, long Xid);

    private readonly Lock _gate = new();
    private Watermark? _pending;
    private long _safeUpTo;
    private long _lastCapture = long.MinValue / 2;

    /// <summary>The rows a reader may take: those up to the watermark, and after it a run without a hole.</summary>
    internal static OutboxPage SafePrefix(long afterCursor, int limit, long safeUpTo, IReadOnlyList<OutboxRow> rows)
    {
        var taken = new List<OutboxRow>(rows.Count);
        var last = afterCursor;
        foreach (var row in rows)
        {
            if (row.Cursor > safeUpTo && row.Cursor != last + 1)
            {
                break;
            }
            taken.Add(row);
            last = row.Cursor;
        }

        return new OutboxPage(taken, last, Full: rows.Count == limit && taken.Count == rows.Count, Blocked: taken.Count < rows.Count);
    }

    /// <summary>
    /// Deletes events recorded before <paramref name="before"/>, at most <paramref name="batch"/> at a time (oldest
    /// first, by cursor, so no index on the time is needed); returns how many.
    /// </summary>
    public async Task<int> PruneAsync(Instant before, int batch = 10_000, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            """
            DELETE FROM outbox_events
             WHERE seq IN (SELECT seq FROM outbox_events WHERE recorded_at < $1 ORDER BY seq LIMIT $2)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = before.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = batch, NpgsqlDbType = NpgsqlDbType.Integer });
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}

/// <summary>One stored event. <see cref="DataJson"/> is the event's data object.</summary>
public sealed record OutboxRow(
    long Cursor,
    Guid EventId,
    string Type,
    string? SourceClinicId,
    IReadOnlyList<string> ClinicIds,
    IReadOnlyList<string> TherapistIds,
    string Subject,
    Instant OccurredAt,
    string DataJson);

/// <summary>
/// A page of <see cref="OutboxStore.ReadAsync"/>: the events, the last cursor vouched for, whether more is waiting
/// (<see cref="Full"/>), and whether committed events wait behind a hole that may still fill (<see cref="Blocked"/>).
/// </summary>
public sealed record OutboxPage(IReadOnlyList<OutboxRow> Events, long ScannedTo, bool Full, bool Blocked);

/// <summary>An event for <see cref="OutboxStore.AppendAsync"/>.</summary>
public sealed record NewOutboxEvent(
    string Type,
    string? SourceClinicId,
    IReadOnlyList<string> ClinicIds,
    IReadOnlyList<string> TherapistIds,
    string Subject,
    Instant OccurredAt,
    string DataJson,
    string? DedupeKey = null);
