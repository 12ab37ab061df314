using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace NmtPractice.Grains.Events;

/// <summary>Every silo pokes the cluster's single <see cref="IOutboxPrunerGrain"/> once per prune interval.</summary>
public sealed class OutboxPruneService(IGrainFactory grains, IOptions<OutboxOptions> options, ILogger<OutboxPruneService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PruneInterval;
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await grains.GetGrain<IOutboxPrunerGrain>(0).PruneIfDue();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Pruning events failed; retrying in {Interval}", interval);
            }
        }
    }
}
