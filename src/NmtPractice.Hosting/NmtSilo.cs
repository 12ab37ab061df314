using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NmtPractice.Grains.Abstractions.Accounts;
using NmtPractice.Grains.Accounts;
using NmtPractice.Grains.Config;
using NmtPractice.Grains.Cover;
using NmtPractice.Grains.Infrastructure;
using NmtPractice.Persistence;
using NmtPractice.Persistence.Accounts;
using NmtPractice.Persistence.OrleansAdoNet;
using NmtPractice.Persistence.Reports;
using NmtPractice.Persistence.Records;
using NmtPractice.Grains.Records;
using NmtPractice.Grains.Requests;
using NmtPractice.Persistence.Requests;
using Npgsql;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Storage;
using Microsoft.Extensions.Options;
using NodaTime;
using Orleans;

namespace NmtPractice.Hosting;

/// <summary>
/// Wires NmtPractice's grains into a silo: grain storage on PostgreSQL, the ledger, serialization, clock, metrics; and
/// the ADO.NET clustering and reminders on the same database for hosts that use them.
/// </summary>
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
            o.GrainStorageSerializer = StateSerializer;
        });
        AddSerialization(silo.Services);
        silo.AddIncomingGrainCallFilter<LedgerExceptionFilter>();
        silo.AddOutgoingGrainCallFilter<LedgerExceptionFilter>();
        var services = silo.Services;
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton(_ => LedgerDataSource(connectionString));
        services.TryAddSingleton<AppointmentLedger>();
        services.TryAddSingleton<ClientDirectory>();
        services.TryAddSingleton<UsageStore>();
        services.TryAddSingleton<LedgerInsertBatcher>();
        services.TryAddSingleton<ClientRecordStore>();
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<RequestLog>();
        services.TryAddSingleton<StaffAccountStore>();
        services.TryAddSingleton<StaffPasswords>();
        services.AddOptions<AccountOptions>();
        services.AddMetrics();
        services.TryAddSingleton<NmtMetrics>();
        services.AddOptions<CoverOptions>();
        services.AddHostedService<HoldSweeper>();
        services.AddHostedService<UsageCompactor>();
        services.AddOptions<RequestLogOptions>();
        services.AddHostedService<RequestLogPruner>();
        return silo;
    }

    /// <summary>Membership of the cluster in the PostgreSQL at <paramref name="connectionString"/> (ADO.NET clustering).</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo, string connectionString) =>
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = OrleansAdoNetSchema.Invariant;
            o.ConnectionString = connectionString;
        });

    /// <summary>Orleans reminders stored in the PostgreSQL at <paramref name="connectionString"/> (ADO.NET reminders).</summary>
    public static ISiloBuilder UsePostgresReminders(this ISiloBuilder silo, string connectionString) =>
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = OrleansAdoNetSchema.Invariant;
            o.ConnectionString = connectionString;
        });

    /// <summary>A client finds the cluster's gateways in the PostgreSQL at <paramref name="connectionString"/>.</summary>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder client, string connectionString) =>
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = OrleansAdoNetSchema.Invariant;
            o.ConnectionString = connectionString;
        });

    /// <summary>What an Orleans client (a gateway process) needs to talk to NmtPractice grains.</summary>
    public static IClientBuilder AddNmtPractice(this IClientBuilder client)
    {
        AddSerialization(client.Services);
        client.AddOutgoingGrainCallFilter<LedgerExceptionFilter>();
        return client;
    }

    /// <summary>
    /// Grain state is stored as plain JSON (System.Text.Json, data properties only, no .NET type names), so stored
    /// state survives renames of compiler-generated collection types and can be read by an operator.
    /// </summary>
    public static IGrainStorageSerializer StateSerializer { get; } = CreateStateSerializer();

    private static SystemTextJsonGrainStorageSerializer CreateStateSerializer()
    {
        var options = new SystemTextJsonGrainStorageSerializerOptions();
        Serialization.Configure(options.JsonSerializerOptions);
        return new SystemTextJsonGrainStorageSerializer(Options.Create(options));
    }

    private static void AddSerialization(IServiceCollection services)
    {
        // Registered before the JSON codec's copier, so it is asked first.
        services.AddSingleton<IGeneralizedCopier, ImmutableDomainCopier>();
        services.AddSerializer(s => s.AddNmtSerialization());
    }

    /// <summary>
    /// The ledger's connection pool. Bounded (unless the connection string says otherwise) so that several silos and
    /// Orleans' own providers stay within the server's max_connections; callers wait for a free connection instead.
    /// </summary>
    public static NpgsqlDataSource LedgerDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = "nmt-ledger" };
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("Max Pool Size", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.MaxPoolSize = 32;
        }
        return builder.Build();
    }
}
