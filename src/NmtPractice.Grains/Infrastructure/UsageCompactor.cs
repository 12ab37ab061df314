using Microsoft.Extensions.Hosting;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Folds the usage deltas that bookings append into the report aggregates every few seconds, so report reads stay
/// small. Reports are exact without it (they add the pending deltas); it only keeps them fast. Every silo runs it;
/// the database lets one compaction run at a time and the others skip.
/// </summary>
public sealed class UsageCompactor(UsageStore usage, ILogger<UsageCompactor> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var folded = await usage.CompactAsync(stoppingToken);
                if (folded > 0)
                {
                    logger.LogDebug("Folded {Count} usage deltas", folded);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Compacting report usage failed; retrying in {Interval}", Interval);
            }
        }
    }
}
