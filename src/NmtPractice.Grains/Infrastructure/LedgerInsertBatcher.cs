using System.Threading.Channels;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Group commit for new appointments: bookings that arrive while a write is in flight are written together in
/// the next one, in one round trip and one commit, each with its own outcome. One booking alone is written at
/// once; under load, batches grow by themselves, so the cost of a commit is shared without adding a delay.
/// Each booking's audit row goes in the same statement as its insert (<see cref="AppointmentLedger.InsertManyAsync(IReadOnlyList{NewAppointment}, IReadOnlyList{AuditEntry}, Instant, CancellationToken)"/>):
/// an acknowledged booking always has its audit row, even when the process dies right after.
/// </summary>
public sealed class LedgerInsertBatcher : IAsyncDisposable
{
    public const int MaxBatch = 128;
    private const int Writers = 4;

    private readonly AppointmentLedger _ledger;
    private readonly IClock _clock;
    private readonly ILogger<LedgerInsertBatcher> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _loops;

    private sealed record Pending(NewAppointment Appointment, AuditEntry? Audit, TaskCompletionSource<LedgerWriteResult> Done);

    public LedgerInsertBatcher(AppointmentLedger ledger, IClock clock, ILogger<LedgerInsertBatcher> logger)
    {
        _ledger = ledger;
        _clock = clock;
        _logger = logger;
        _loops = Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteLoop)).ToArray();
    }

    /// <summary>Inserts <paramref name="appointment"/> and, when it is inserted, <paramref name="audit"/> in the same transaction.</summary>
    public Task<LedgerWriteResult> InsertAsync(NewAppointment appointment, AuditEntry? audit = null)
    {
        var done = new TaskCompletionSource<LedgerWriteResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(appointment, audit, done)))
        {
            done.SetException(new ObjectDisposedException(nameof(LedgerInsertBatcher)));
        }
        return done.Task;
    }

    private async Task WriteLoop()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                var audits = batch.Exists(p => p.Audit is not null) ? batch.Select(p => p.Audit).ToList() : null;
                var results = await _ledger.InsertManyAsync(batch.Select(p => p.Appointment).ToList(), audits, _clock.GetCurrentInstant());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.SetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Ledger write of {Count} appointments failed", batch.Count);
                batch.ForEach(p => p.Done.TrySetException(e));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops);
    }
}
