using System.Diagnostics;
using System.Threading.Channels;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Group reads for calendar activations, the read-side twin of <see cref="LedgerInsertBatcher"/>: calendars that
/// activate (or rebuild) while a read is in flight are read together in the next one, in one round trip
/// (<see cref="AppointmentLedger.ListOccupyingManyAsync"/>), each with its own rows. One calendar alone is read at
/// once; under load (every cold booking activates a therapist-day, a clinic-day and a client calendar) the batches
/// grow by themselves, so PostgreSQL answers one statement per kind of calendar per batch instead of one per calendar.
/// Each read is still the ledger's state at the time of the statement, so rebuilding from the ledger keeps its meaning.
/// Tracing: each read is an <c>nmt.ledger.load</c> activity whose parent is the first caller's trace, linked to the
/// others'.
/// </summary>
public sealed class CalendarLoader : IAsyncDisposable
{
    public const int MaxBatch = 256;

    // Two loops: while one waits for PostgreSQL, the other collects the next batch.
    private const int Readers = 2;

    private readonly AppointmentLedger _ledger;
    private readonly ILogger<CalendarLoader> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _loops;

    private sealed record Pending(OccupancyQuery Query, TaskCompletionSource<IReadOnlyList<AppointmentRecord>> Done, ActivityContext Caller);

    public CalendarLoader(AppointmentLedger ledger, ILogger<CalendarLoader> logger)
    {
        _ledger = ledger;
        _logger = logger;
        _loops = Enumerable.Range(0, Readers).Select(_ => Task.Run(ReadLoop)).ToArray();
    }

    /// <summary>The active appointments of <paramref name="query"/>'s resource in its window, by start.</summary>
    public Task<IReadOnlyList<AppointmentRecord>> LoadAsync(OccupancyQuery query)
    {
        var done = new TaskCompletionSource<IReadOnlyList<AppointmentRecord>>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(query, done, Activity.Current?.Context ?? default)))
        {
            done.SetException(new ObjectDisposedException(nameof(CalendarLoader)));
        }
        return done.Task;
    }

    private async Task ReadLoop()
    {
        // Started inside whichever call first needed the loader: later reads are not children of that call's trace.
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
                var rows = await _ledger.ListOccupyingManyAsync(batch.Select(p => p.Query).ToList());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.SetResult(rows[i]);
                }
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Ledger read of {Count} calendars failed", batch.Count);
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
        return NmtMetrics.Activities.StartActivity(
            "nmt.ledger.load",
            ActivityKind.Internal,
            traced.Count > 0 ? traced[0] : default,
            tags: [new("nmt.batch.size", batch.Count)],
            links: traced.Skip(1).Select(c => new ActivityLink(c)));
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops);
    }
}
