using Microsoft.Extensions.Options;
using NmtPractice.Persistence.Outbox;

namespace NmtPractice.Grains.Events;

/// <summary>
/// The one pruner of the cluster (key 0): Orleans keeps a single activation, and its calls run one at a time, so the
/// silos' <see cref="OutboxPruneService"/> pokes do not prune side by side.
/// </summary>
public sealed class OutboxPrunerGrain(OutboxStore outbox, IClock clock, IOptions<OutboxOptions> options, ILogger<OutboxPrunerGrain> logger)
    : Grain, IOutboxPrunerGrain
{
    private Instant? _lastPrune;

    async Task<int> IOutboxPrunerGrain.PruneIfDue()
    {
        var settings = options.Value;
        var now = clock.GetCurrentInstant();
        // Every silo pokes once per interval; half an interval apart is "due", so one poke per interval prunes.
        if (_lastPrune is { } last && now - last < Duration.FromTimeSpan(settings.PruneInterval / 2))
        {
            return 0;
        }
        _lastPrune = now;
        var before = now - Duration.FromTimeSpan(settings.Retention);
        var total = 0;
        int pruned;
        do
        {
            pruned = await outbox.PruneAsync(before);
            total += pruned;
        }
        while (pruned > 0);
        if (total > 0)
        {
            logger.LogInformation("Pruned {Count} events older than {Retention}", total, settings.Retention);
        }
        return total;
    }
}
