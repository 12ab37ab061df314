using Microsoft.Extensions.Hosting;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Cancels expired holds in the ledger (reason 'hold-expired'), so that listings and reports show them as they are.
/// Expired holds never block a booking even before this runs: the calendars ignore them and the ledger's insert
/// clears the ones in its way. Every silo runs it; the update is idempotent.
/// </summary>
public sealed class HoldSweeper(AppointmentLedger ledger, IClock clock, NmtMetrics metrics, ILogger<HoldSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var expired = await ledger.ExpireHoldsAsync(clock.GetCurrentInstant(), stoppingToken);
                if (expired > 0)
                {
                    metrics.HoldsExpired.Add(expired);
                    logger.LogInformation("Cancelled {Count} expired holds", expired);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Sweeping expired holds failed; retrying in {Interval}", Interval);
            }
        }
    }
}
