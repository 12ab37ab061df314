using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NmtPractice.Hosting;
using NmtPractice.Persistence;
using Npgsql;
using NmtPractice.Testing;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace NmtPractice.Grains.Tests;

/// <summary>
/// Two real silos (Orleans TestingHost, in this process) on a private, migrated PostgreSQL database: grain state
/// in the ADO.NET provider, appointments in the ledger. Time comes from a shared <see cref="AdjustableClock"/>.
/// </summary>
public sealed class ClusterFixture(IMessageSink sink) : IAsyncLifetime
{
    public const int Silos = 2;
    private const string ConnectionStringKey = "NmtTest:ConnectionString";

    public static AdjustableClock Clock { get; } = new();

    private readonly PostgresFixture _postgres = new(sink);
    private NpgsqlDataSource? _dataSource;

    public TestCluster Cluster { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The owner's (admin) connection to the same database: for test faults the application role may not make (triggers).</summary>
    public string AdminConnectionString => new NpgsqlConnectionStringBuilder(_postgres.AdminConnectionString)
    {
        Database = new NpgsqlConnectionStringBuilder(ConnectionString).Database,
    }.ConnectionString;

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>Direct access to the ledger, for checks that must not go through the grains.</summary>
    public AppointmentLedger Ledger { get; private set; } = null!;

    /// <summary>Independent checks of the ledger (test code, not the ledger's own).</summary>
    public LedgerOracle Oracle { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        // Bounded pools: several clusters' silos share one test PostgreSQL (max_connections 200).
        ConnectionString = await _postgres.CreateDatabaseAsync("grains") + ";Maximum Pool Size=20";
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        Ledger = new AppointmentLedger(_dataSource);
        Oracle = new LedgerOracle(_dataSource);
        var builder = new TestClusterBuilder(Silos);
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?> { [ConnectionStringKey] = ConnectionString }));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        await _postgres.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddSingleton<IClock>(Clock);
            silo.AddNmtPractice(silo.Configuration[ConnectionStringKey]!);
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(15));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client)
        {
            client.AddNmtPractice();
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(15));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
