using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Hosting;

namespace NmtPractice.Server;

/// <summary>
/// Stops Kestrel before any hosted service stops, and bounds how long it waits for the calls in flight. The silo must
/// still be running while those calls finish: a grain call addressed to a stopping silo fails. (WebApplication happens
/// to register its web server last, so it is stopped first anyway; this does not depend on that order.)
/// <see cref="StoppingAsync"/> runs before every hosted service's <c>StopAsync</c>: Kestrel closes its listeners, tells
/// HTTP/2 clients to go away (their new calls see UNAVAILABLE and go elsewhere or retry) and waits for the calls in
/// flight at most <see cref="DrainTimeout"/>, so that a long call (a report export) cannot use up the whole shutdown
/// timeout and leave the silo no time to leave the cluster gracefully. Kestrel's own later stop finds it stopped.
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
