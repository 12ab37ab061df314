using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NmtPractice.Persistence.Requests;

namespace NmtPractice.Grains.Requests;

/// <summary>
/// Deletes remembered request ids older than <see cref="RequestLogOptions.Retention"/> from both request tables
/// (the gateway's request_log and the ledger's appointment_requests). Every silo runs it; the delete is idempotent.
/// </summary>
public sealed class RequestLogPruner(RequestLog log, AppointmentLedger ledger, IClock clock, IOptions<RequestLogOptions> options, ILogger<RequestLogPruner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.PruneInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var before = clock.GetCurrentInstant() - NodaTime.Duration.FromTimeSpan(settings.Retention);
                var pruned = await log.PruneAsync(before, stoppingToken) + await ledger.PruneRequestsAsync(before, stoppingToken);
                if (pruned > 0)
                {
                    logger.LogInformation("Forgot {Count} request ids older than {Retention}", pruned, settings.Retention);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Pruning request ids failed; retrying in {Interval}", settings.PruneInterval);
            }
        }
    }
}
