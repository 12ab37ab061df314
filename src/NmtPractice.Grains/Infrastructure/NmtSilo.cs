using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NmtPractice.Grains.Config;
using NmtPractice.Persistence;
using NmtPractice.Persistence.OrleansAdoNet;
using Npgsql;
using Orleans.Hosting;
using Orleans.Serialization;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>Wires NmtPractice's grains into a silo: grain storage on PostgreSQL, the ledger, serialization, clock, metrics.</summary>
public static class NmtSilo
{
    /// <summary>
    /// Adds everything our grains need on a silo whose database is at <paramref name="connectionString"/>
    /// (migrated beforehand). Clustering is the host's choice. An <see cref="IClock"/> registered before this call wins
    /// (tests control time that way); otherwise the system clock is used.
    /// </summary>
    public static ISiloBuilder AddNmtPractice(this ISiloBuilder silo, string connectionString)
    {
        silo.AddAdoNetGrainStorage(StorageNames.Grains, o =>
        {
            o.Invariant = OrleansAdoNetSchema.Invariant;
            o.ConnectionString = connectionString;
        });
        silo.Services.AddSerializer(s => s.AddNmtSerialization());
        var services = silo.Services;
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "nmt-ledger" }.Build());
        services.TryAddSingleton<AppointmentLedger>();
        services.TryAddSingleton<LedgerWriter>();
        services.AddMetrics();
        services.TryAddSingleton<NmtMetrics>();
        services.AddHostedService<HoldSweeper>();
        return silo;
    }

    /// <summary>What an Orleans client (a gateway process) needs to talk to NmtPractice grains.</summary>
    public static IClientBuilder AddNmtPractice(this IClientBuilder client)
    {
        client.Services.AddSerializer(s => s.AddNmtSerialization());
        return client;
    }
}
