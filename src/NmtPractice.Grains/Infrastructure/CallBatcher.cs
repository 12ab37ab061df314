using System.Diagnostics;
using System.Threading.Channels;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Groups concurrent calls to the database: items that arrive while a batch is in flight go together in the next one,
/// one round trip for all, each with its own result. One item alone goes at once; under load, batches grow by
/// themselves, so the cost of a round trip is shared without adding a delay. Each batch is an activity (source
/// <see cref="NmtMetrics.MeterName"/>) whose parent is the first item's trace, linked to the others', so every
/// caller's trace holds its database work.
/// </summary>
public abstract class CallBatcher<TItem, TResult> : IAsyncDisposable
{
    private readonly string _activityName;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _loops;

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done, ActivityContext Caller);

    /// <param name="activityName">The activity of each batch, also the name in the log when a batch fails.</param>
    /// <param name="maxBatch">The most items in one batch.</param>
    /// <param name="loops">Batches in flight at once: while one waits for PostgreSQL, the others collect.</param>
    protected CallBatcher(string activityName, int maxBatch, int loops, ILogger logger)
    {
        _activityName = activityName;
        _maxBatch = maxBatch;
        _logger = logger;
        _loops = Enumerable.Range(0, loops).Select(_ => Task.Run(Loop)).ToArray();
    }

    /// <summary>Runs one batch: one result per item, in the items' order.</summary>
    protected abstract Task<IReadOnlyList<TResult>> ExecuteAsync(IReadOnlyList<TItem> items);

    /// <summary>Queues <paramref name="item"/> for the next batch; completes with its result.</summary>
    protected Task<TResult> Enqueue(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(item, done, Activity.Current?.Context ?? default)))
        {
            done.SetException(new ObjectDisposedException(GetType().Name));
        }
        return done.Task;
    }

    private async Task Loop()
    {
        // The loops start inside whichever call first needed the batcher: do not make every later batch a child of
        // that call's trace.
        Activity.Current = null;
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var next))
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
                var results = await ExecuteAsync(batch.Select(p => p.Item).ToList());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.SetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "{Operation} of {Count} items failed", _activityName, batch.Count);
                batch.ForEach(p => p.Done.TrySetException(e));
            }
        }
    }

    private Activity? StartActivity(List<Pending> batch)
    {
        if (!NmtMetrics.Activities.HasListeners())
        {
            return null;
        }
        var traced = batch.Where(p => p.Caller != default).Select(p => p.Caller).ToList();
        return NmtMetrics.Activities.StartActivity(
            _activityName,
            ActivityKind.Internal,
            traced.Count > 0 ? traced[0] : default,
            tags: [new("nmt.batch.size", batch.Count)],
            links: traced.Skip(1).Select(c => new ActivityLink(c)));
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops);
        GC.SuppressFinalize(this);
    }
}
