using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NmtPractice.Grains.Config;
using NmtPractice.Grains.Infrastructure;
using NmtPractice.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace NmtPractice.Benchmarks;

/// <summary>One in-process silo (localhost clustering on free loopback ports) with NmtPractice's grains on the benchmark database.</summary>
public sealed class GrainSilo : IAsyncDisposable
{
    public const string ServiceId = "nmt-bench";
    private readonly IHost _host;

    private GrainSilo(IHost host)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
    }

    public IGrainFactory Grains { get; }

    /// <summary>
    /// Set by <c>--binary-storage-serializer</c>: store grain state with the Orleans binary serializer instead of the one
    /// AddNmtPractice configures. (The documented run used it: before commit e8e678d the product's serializer could not
    /// read a stored Clinic back, see docs/benchmarks.md.)
    /// </summary>
    public static bool UseBinaryStorageSerializer { get; set; }

    /// <param name="serviceId">Grain state is stored per service id: the reports benchmark reads the chain the server's
    /// seed command stored under the server's own service id.</param>
    public static async Task<GrainSilo> StartAsync(string connectionString, bool tracing, CancellationToken ct, string serviceId = ServiceId)
    {
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: serviceId, clusterId: "nmt-bench-" + Guid.NewGuid().ToString("N")[..8]);
            silo.AddNmtPractice(connectionString);
            if (UseBinaryStorageSerializer)
            {
                silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.Grains)
                    .PostConfigure<IServiceProvider>((o, sp) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));
            }
            if (tracing)
            {
                silo.AddActivityPropagation();
            }
        });
        var host = builder.Build();
        await host.StartAsync(ct);
        return new GrainSilo(host);
    }

    /// <summary>Activates the configuration grains (chain, clinics, therapists, and clients unless told not to) so a run does not measure their first load. Calendar grains stay cold.</summary>
    public Task WarmConfigAsync(BenchChain chain, bool clients, CancellationToken ct) => WarmConfigAsync(Grains, chain, clients, ct);

    /// <summary>The same through any grain factory (the gRPC variant's in-process server).</summary>
    public static async Task WarmConfigAsync(IGrainFactory grains, BenchChain chain, bool clients, CancellationToken ct)
    {
        await grains.GetGrain<IChainGrain>(GrainKeys.Chain).GetTravel();
        await Parallel.ForEachAsync(chain.Clinics, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (c, _) => await grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(c.Id)).RosteredTherapists());
        await Parallel.ForEachAsync(chain.Therapists, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (t, _) => await grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(t.Id)).Get());
        if (clients)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, chain.ClientCount), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct },
                async (k, _) => await grains.GetGrain<IClientGrain>(GrainKeys.Client(BenchChain.ClientId(k))).Get());
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(cts.Token);
        _host.Dispose();
    }
}

/// <summary>Books through IBookingGrain.Book from the silo's own (in-process) cluster client.</summary>
public sealed class GrainDriver(IGrainFactory grains, int keys) : IBookingDriver
{
    public async Task<AttemptOutcome> BookAsync(int caller, BookingAttempt a, CancellationToken ct)
    {
        var grain = grains.GetGrain<IBookingGrain>(keys <= 1 ? 0 : caller % keys);
        var result = await grain.Book(new BookingRequest(
            Guid.NewGuid().ToString(), a.ClinicId, a.Service.Id, a.TherapistId, a.RoomId, a.ClientId, a.Start));
        return result.IsOk ? AttemptOutcome.Ok : AttemptOutcome.Refused(result.Refusal!.Code);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
