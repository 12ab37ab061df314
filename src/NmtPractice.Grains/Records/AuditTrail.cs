using System.Threading.Channels;

namespace NmtPractice.Grains.Records;

/// <summary>
/// Writes audit rows for the grains (built by <see cref="AuditEntries"/>). Record changes write theirs in their own
/// transaction (ClientRecordStore), client registrations and updates too (ClientDirectory), and new bookings in their
/// ledger insert (<see cref="BookingEntry"/>, LedgerInsertBatcher). This service writes the rest: reads, refusals, and
/// the other booking changes (status changes, moves). Those are written after the ledger commit,
/// batched: rows that arrive while a write is in flight go together in the next one (one INSERT), and the booking
/// waits for its row, so the API answers only once the change is audited. A failed audit write is logged and does not
/// undo or fail the committed booking.
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

    private async Task WriteLoop()
    {
        var batch = new List<(AuditEntry Entry, TaskCompletionSource Done)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            try
            {
                await _log.AppendManyAsync(batch.Select(b => b.Entry).ToList()).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Could not write {Count} booking audit rows", batch.Count);
            }
            foreach (var item in batch)
            {
                item.Done.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

}
