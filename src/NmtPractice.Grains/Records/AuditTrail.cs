using System.Threading.Channels;

namespace NmtPractice.Grains.Records;

/// <summary>
/// Writes audit rows for the grains (built by <see cref="AuditEntries"/>). Record changes write theirs in their own
/// transaction (ClientRecordStore), client registrations and updates too (ClientDirectory), and new bookings in their
/// ledger insert (<see cref="BookingEntry"/>, LedgerInsertBatcher). This service writes the rest: reads, refusals, and
/// the other booking changes (status changes, moves). Those are written after the ledger commit,
/// batched: rows that arrive while a write is in flight go together in the next one (one INSERT), and the change
/// waits for its row, so the API answers only once the change is audited. A failed audit write does not undo or fail
/// the committed change: its row is kept and written when the database answers again (see <see cref="WriteLoop"/>).
/// </summary>
public sealed class AuditTrail : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly AuditLog _log;
    private readonly ILogger<AuditTrail> _logger;
    private readonly Channel<(AuditEntry Entry, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(AuditEntry, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public AuditTrail(AuditLog log, ILogger<AuditTrail> logger)
    {
        _log = log;
        _logger = logger;
        _loop = Task.Run(WriteLoop);
    }

    /// <summary>Writes a row now (reads and refusals).</summary>
    public Task Write(AuditEntry entry) => _log.AppendAsync(entry);

    /// <summary>The audit row of a new booking or hold by the current caller, written with its ledger insert.</summary>
    public static AuditEntry BookingEntry(string action, NewAppointment appointment)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        return Entry(action, appointment.Id, appointment.ClinicId, appointment.ClientId, appointment.Status, appointment.TherapistId, appointment.RoomId);
    }

    private static AuditEntry Entry(string action, Guid id, string clinicId, string clientId, AppointmentStatus status, string therapistId, string roomId) =>
        AuditEntries.ForCurrentCaller(action, "appointment", id.ToString(), clinicId, clientId, id, AuditOutcomes.Ok,
            new { status = status.ToString().ToLowerInvariant(), therapist = therapistId, room = roomId });

    /// <summary>Audits a booking change of the current caller; completes once written (or its failure logged).</summary>
    public Task BookingChanged(string action, AppointmentRecord appointment)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        var entry = Entry(action, appointment.Id, appointment.ClinicId, appointment.ClientId, appointment.Status, appointment.TherapistId, appointment.RoomId);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((entry, done)))
        {
            _logger.LogError("Audit trail closed: {Action} of appointment {AppointmentId} not audited", action, appointment.Id);
            done.SetResult();
        }
        return done.Task;
    }

    /// <summary>Rows kept for a retry while the database is away; beyond this the oldest are dropped (and logged).</summary>
    public const int MaxUnwritten = 50_000;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Writes the queued rows in batches. A batch that fails is kept (in memory, oldest first, at most
    /// <see cref="MaxUnwritten"/> rows) and written before the next rows, retried with a growing pause while nothing new
    /// arrives, so a database outage delays these rows instead of losing them; only the process dying meanwhile does.
    /// The changes they audit have committed already: their callers are answered after the first attempt either way.
    /// </summary>
    private async Task WriteLoop()
    {
        var batch = new List<(AuditEntry Entry, TaskCompletionSource Done)>(MaxBatch);
        var unwritten = new List<AuditEntry>();
        var pause = FirstRetry;
        while (true)
        {
            if (unwritten.Count == 0)
            {
                if (!await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    return;
                }
            }
            else if (!await WaitOrPause(pause).ConfigureAwait(false))
            {
                await TryWrite(unwritten).ConfigureAwait(false);
                return;
            }
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            var rows = unwritten.Concat(batch.Select(b => b.Entry)).ToList();
            if (await TryWrite(rows).ConfigureAwait(false))
            {
                unwritten.Clear();
                pause = FirstRetry;
            }
            else
            {
                if (rows.Count > MaxUnwritten)
                {
                    _logger.LogError("Dropping {Count} booking audit rows: the database has been away too long", rows.Count - MaxUnwritten);
                    rows.RemoveRange(0, rows.Count - MaxUnwritten);
                }
                unwritten = rows;
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LastRetry.Ticks));
            }
            foreach (var item in batch)
            {
                item.Done.TrySetResult();
            }
        }
    }

    /// <summary>Waits for new rows or <paramref name="pause"/>; false once the queue is closed and empty.</summary>
    private async Task<bool> WaitOrPause(TimeSpan pause)
    {
        using var timeout = new CancellationTokenSource(pause);
        try
        {
            return await _queue.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    private async Task<bool> TryWrite(List<AuditEntry> rows)
    {
        try
        {
            await _log.AppendManyAsync(rows).ConfigureAwait(false);
            return true;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Could not write {Count} booking audit rows; keeping them for a retry", rows.Count);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

}
