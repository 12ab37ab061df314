using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NmtPractice.Testing;
using NmtPractice.Persistence.OrleansAdoNet;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// The real Orleans 10 ADO.NET providers (clustering, grain storage, reminders) running on our
/// PostgreSQL schema.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansSiloTests(PostgresFixture fixture) : IAsyncLifetime
{
    private OrleansTestDatabase db = null!;

    public async Task InitializeAsync() => db = new OrleansTestDatabase(await fixture.CreateDatabaseAsync("orleans"));

    public Task DisposeAsync() => Task.CompletedTask;

    public const string StorageName = "nmt";

    [Fact]
    public async Task Silo_joins_state_survives_a_restart_and_a_reminder_registers()
    {
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var serviceId = "service-" + Guid.NewGuid().ToString("N")[..8];
        var (siloPort, gatewayPort) = (FreeTcpPort(), FreeTcpPort());

        using (var silo = BuildSilo(db.ConnectionString, clusterId, serviceId, siloPort, gatewayPort))
        {
            await silo.StartAsync();
            Assert.Equal(3, await SiloStatusAsync(clusterId)); // Active

            // A separate client finds the gateway through GatewaysQueryKey.
            using (var client = BuildClient(db.ConnectionString, clusterId, serviceId))
            {
                await client.StartAsync();
                var grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<IOrleansProbeGrain>("probe:restart");
                await grain.SetAsync("before restart");
                await grain.RegisterReminderAsync("daily-check");
                Assert.True(await grain.HasReminderAsync("daily-check"));
                await client.StopAsync();
            }

            await silo.StopAsync();
        }

        Assert.Equal(1, await ReminderRowsAsync(serviceId, "daily-check"));
        Assert.Equal(1, await StorageRowsAsync(serviceId, "orleansProbe"));

        using (var silo = BuildSilo(db.ConnectionString, clusterId, serviceId, siloPort, gatewayPort))
        {
            await silo.StartAsync();
            var grain = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IOrleansProbeGrain>("probe:restart");
            Assert.Equal("before restart", await grain.GetAsync());
            Assert.Equal("1", await grain.GetETagAsync());
            Assert.True(await grain.HasReminderAsync("daily-check"));
            await silo.StopAsync();
        }

        // Two silo generations: the first one Dead (6) after its graceful stop, then the second too.
        Assert.Equal(new[] { 6, 6 }, await SiloStatusesAsync(clusterId));
    }

    [Fact]
    public async Task Grain_storage_refuses_a_stale_etag()
    {
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var serviceId = "service-" + Guid.NewGuid().ToString("N")[..8];
        using var silo = BuildSilo(db.ConnectionString, clusterId, serviceId, FreeTcpPort(), FreeTcpPort());
        await silo.StartAsync();
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageName);
        var grainId = GrainId.Create("probe", "probe:etag");
        const string stateName = "orleansProbeDirect";

        var first = new GrainState<OrleansProbeState>(new OrleansProbeState { Value = "a" });
        await storage.WriteStateAsync(stateName, grainId, first);
        Assert.Equal("1", first.ETag);

        // A second writer that never saw the row (null ETag) is refused.
        var blind = new GrainState<OrleansProbeState>(new OrleansProbeState { Value = "b" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(stateName, grainId, blind));

        // Two writers holding the same ETag: the first wins, the second is stale.
        var w1 = new GrainState<OrleansProbeState>(new OrleansProbeState { Value = "c" }, "1");
        var w2 = new GrainState<OrleansProbeState>(new OrleansProbeState { Value = "d" }, "1");
        await storage.WriteStateAsync(stateName, grainId, w1);
        Assert.Equal("2", w1.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(stateName, grainId, w2));

        var read = new GrainState<OrleansProbeState>();
        await storage.ReadStateAsync(stateName, grainId, read);
        Assert.Equal("c", read.State?.Value);
        Assert.Equal("2", read.ETag);
        Assert.True(read.RecordExists);

        // Clear: a stale ETag is refused; the current one nulls the payload and keeps an ETag.
        var staleClear = new GrainState<OrleansProbeState>(new OrleansProbeState(), "1") { RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(stateName, grainId, staleClear));
        await storage.ClearStateAsync(stateName, grainId, read);
        Assert.Equal("3", read.ETag);
        Assert.False(read.RecordExists);

        var afterClear = new GrainState<OrleansProbeState>();
        await storage.ReadStateAsync(stateName, grainId, afterClear);
        Assert.False(afterClear.RecordExists);
        Assert.Equal("3", afterClear.ETag);
        Assert.Null(afterClear.State?.Value);

        // Writing again after a clear continues from the kept ETag.
        afterClear.State = new OrleansProbeState { Value = "e" };
        await storage.WriteStateAsync(stateName, grainId, afterClear);
        Assert.Equal("4", afterClear.ETag);

        await silo.StopAsync();
    }

    internal static IHost BuildSilo(string connectionString, string clusterId, string serviceId, int siloPort, int gatewayPort) =>
        new HostBuilder()
            .UseOrleans(silo => silo
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = serviceId;
                })
                .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: false)
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = OrleansAdoNetSchema.Invariant;
                    o.ConnectionString = connectionString;
                })
                .AddAdoNetGrainStorage(StorageName, o =>
                {
                    o.Invariant = OrleansAdoNetSchema.Invariant;
                    o.ConnectionString = connectionString;
                })
                .UseAdoNetReminderService(o =>
                {
                    o.Invariant = OrleansAdoNetSchema.Invariant;
                    o.ConnectionString = connectionString;
                }))
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .Build();

    private static IHost BuildClient(string connectionString, string clusterId, string serviceId) =>
        new HostBuilder()
            .UseOrleansClient(client => client
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = serviceId;
                })
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = OrleansAdoNetSchema.Invariant;
                    o.ConnectionString = connectionString;
                }))
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .Build();

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<int> SiloStatusAsync(string clusterId) => Assert.Single(await SiloStatusesAsync(clusterId));

    private async Task<int[]> SiloStatusesAsync(string clusterId)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT status FROM orleans_membership WHERE deployment_id = @d ORDER BY generation", connection);
        command.Parameters.AddWithValue("d", clusterId);
        var statuses = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            statuses.Add(reader.GetInt32(0));
        }

        return [.. statuses];
    }

    private async Task<long> StorageRowsAsync(string serviceId, string stateName)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM orleans_storage WHERE service_id = @s AND grain_type_string = @t AND version = 1 AND payload_binary IS NOT NULL", connection);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("t", stateName);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> ReminderRowsAsync(string serviceId, string reminderName)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM orleans_reminders WHERE service_id = @s AND reminder_name = @r", connection);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("r", reminderName);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
