using System.Diagnostics;
using System.Threading.Channels;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Group commit for new appointments: bookings that arrive while a write is in flight are written together in
/// the next one, in one round trip and one commit, each with its own outcome. One booking alone is written at
/// once; under load, batches grow by themselves, so the cost of a commit is shared without adding a delay.
/// Each booking's audit row goes in the same statement as its insert (<see cref="AppointmentLedger.InsertManyAsync(IReadOnlyList{NewAppointment}, IReadOnlyList{AuditEntry}, Instant, CancellationToken)"/>):
/// an acknowledged booking always has its audit row, even when the process dies right after.
/// Tracing: each write is an <c>nmt.ledger.insert</c> activity (source <see cref="NmtMetrics.MeterName"/>) whose parent
/// is the first booking's trace, linked to the others', so a booking's trace holds its database commit.
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

    private sealed record Pending(NewAppointment Appointment, AuditEntry? Audit, TaskCompletionSource<LedgerWriteResult> Done, ActivityContext Caller);

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
        if (!_queue.Writer.TryWrite(new Pending(appointment, audit, done, Activity.Current?.Context ?? default)))
        {
            done.SetException(new ObjectDisposedException(nameof(LedgerInsertBatcher)));
        }
        return done.Task;
    }

    private async Task WriteLoop()
    {
        // The loops start inside whichever call first needed the batcher: do not make every later write a child of
        // that call's trace.
        Activity.Current = null;
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
            using var activity = StartActivity(batch);
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

    private static Activity? StartActivity(List<Pending> batch)
    {
        if (!NmtMetrics.Activities.HasListeners())
        {
            return null;
        }
        var traced = batch.Where(p => p.Caller != default).Select(p => p.Caller).ToList();
        var parent = traced.Count > 0 ? traced[0] : default;
        var activity = NmtMetrics.Activities.StartActivity(
            "nmt.ledger.insert",
            ActivityKind.Internal,
            parent,
            tags: [new("nmt.batch.size", batch.Count)],
            links: traced.Skip(1).Select(c => new ActivityLink(c)));
        return activity;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops);
    }
}
