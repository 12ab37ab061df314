using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Hosting;

namespace NmtPractice.Server;

/// <summary>
/// Stops Kestrel before any hosted service stops. The host stops its services in reverse order of registration, and
/// the web server was registered before the silo, so without this the silo would leave the cluster (and its grains
/// deactivate) while Kestrel still accepts and runs calls, which would then fail. <see cref="StoppingAsync"/> runs
/// before every <c>StopAsync</c>: Kestrel closes its listeners, tells HTTP/2 clients to go away (their new calls see
/// UNAVAILABLE and go elsewhere or retry) and waits for the calls in flight, which still have the silo to finish on.
/// Kestrel's own later stop finds it stopped.
/// </summary>
public sealed class KestrelFirstShutdown(IServer server, ILogger<KestrelFirstShutdown> logger) : IHostedLifecycleService
{
    /// <summary>
    /// How long calls in flight may take to finish; calls still running then are aborted. Within the host's 30 s
    /// shutdown timeout, leaving the silo at least 10 s to leave the cluster and hand over its grains.
    /// </summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(DrainTimeout);
        logger.LogInformation("Stopping: the gRPC endpoint takes no new calls and lets the calls in flight finish");
        await server.StopAsync(drain.Token);
        logger.LogInformation("The gRPC endpoint has stopped; stopping the silo");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
