using Microsoft.Extensions.Hosting;
using NmtPractice.Persistence.Accounts;

namespace NmtPractice.Grains.Accounts;

/// <summary>
/// Deletes refresh tokens that have expired: an expired token is refused whether its row is there or not, so nothing
/// is lost. Every silo runs it, hourly; the delete is idempotent.
/// </summary>
public sealed class RefreshTokenPruner(StaffAccountStore store, IClock clock, ILogger<RefreshTokenPruner> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var pruned = await store.PruneExpiredTokensAsync(clock.GetCurrentInstant(), stoppingToken);
                if (pruned > 0)
                {
                    logger.LogInformation("Deleted {Count} expired refresh tokens", pruned);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Deleting expired refresh tokens failed; retrying in {Interval}", Interval);
            }
        }
    }
}
