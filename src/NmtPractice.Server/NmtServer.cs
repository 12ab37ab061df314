using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using NmtPractice.Api;
using NmtPractice.Api.Http;
using NmtPractice.Grains.Abstractions.Accounts;
using NmtPractice.Grains.Cover;
using NmtPractice.Grains.Events;
using NmtPractice.Grains.Requests;
using NmtPractice.Api.Security;
using NmtPractice.Hosting;
using NmtPractice.Hosting.LocalPostgres;
using NmtPractice.Persistence;
using NmtPractice.Web;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;

namespace NmtPractice.Server;

/// <summary>
/// One NmtPractice server process: an Orleans silo and/or the gRPC gateway, on a PostgreSQL given by
/// <c>ConnectionStrings:Nmt</c> (cluster mode, ADO.NET clustering; migrations as <c>ConnectionStrings:NmtOwner</c>) or,
/// without one, on an embedded private PostgreSQL in the data directory (started here, stopped on dispose; migrated as
/// its owner role, run as its application role). Program.cs runs it; tests start it in-process.
/// </summary>
public sealed class NmtServer : IAsyncDisposable
{
    private readonly LocalPostgresCluster? _embedded;
    private int _disposed;

    private readonly ServerEndpoints _endpoints;

    private NmtServer(WebApplication app, NmtOptions options, ServerEndpoints endpoints, DatabaseConnections database, LocalPostgresCluster? embedded)
    {
        App = app;
        _endpoints = endpoints;
        Options = options;
        ConnectionString = database.App;
        OwnerConnectionString = database.Owner;
        _embedded = embedded;
    }

    public WebApplication App { get; }

    public NmtOptions Options { get; }

    /// <summary>The database the server runs on, as the application role (the embedded one's in embedded mode).</summary>
    public string ConnectionString { get; }

    /// <summary>The same database as the owner role (migrations, bulk loads); <see cref="ConnectionString"/> without <c>ConnectionStrings:NmtOwner</c>.</summary>
    public string OwnerConnectionString { get; }

    /// <summary>The embedded PostgreSQL's data directory, or null in cluster mode.</summary>
    public string? DataDirectory => _embedded?.DataDirectory;

    /// <summary>The gRPC addresses Kestrel listens on (actual ports, also when configured as 0).</summary>
    public IReadOnlyList<string> Urls => _endpoints.GrpcUrls;

    /// <summary>The HTTP/1.1 endpoint (JSON, gRPC-Web, OpenAPI) as bound, or null in a process without the API.</summary>
    public string? HttpUrl => _endpoints.HttpUrl;

    public IServiceProvider Services => App.Services;

    /// <summary>Builds the configuration the way the server reads it: appsettings.json, environment, command line.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = ServerArguments.Normalize(args),
            ContentRootPath = AppContext.BaseDirectory,
        });

    /// <summary>
    /// Starts the server: the embedded PostgreSQL when there is no connection string, migrations (silo roles), the
    /// silo or Orleans client, and Kestrel. <paramref name="configureServices"/> runs before anything else is
    /// registered (tests replace <see cref="IClock"/> there).
    /// </summary>
    public static async Task<NmtServer> StartAsync(string[] args, Action<IServiceCollection>? configureServices = null, CancellationToken ct = default)
    {
        var builder = CreateBuilder(args);
        configureServices?.Invoke(builder.Services);
        var options = ReadOptions(builder.Configuration);
        using var bootLoggers = CreateBootLoggers(builder.Configuration);
        var logger = bootLoggers.CreateLogger<NmtServer>();

        var (database, embedded) = await OpenDatabaseAsync(builder.Configuration, options, logger, ct);
        try
        {
            var connectionString = database.App;
            if (ServerRole.HostsSilo(options.Role) && options.MigrateOnStart)
            {
                await MigrateAsync(database.Owner, options, bootLoggers.CreateLogger("NmtPractice.Migrations"), ct);
            }
            if (embedded is not null)
            {
                await ClearPredecessorsAsync(connectionString, options.ClusterId, logger, ct);
            }

            var endpoints = Configure(builder, options, connectionString, embedded is not null);
            var app = builder.Build();
            if (ServerRole.ServesApi(options.Role))
            {
                // Routing first, so that CORS and gRPC-Web see the endpoint a request goes to.
                app.UseRouting();
                app.UseNmtHttpApi();
                app.MapNmtApi();
                app.MapNmtApiDocs();
                // The web app (static files at /) maps after the API's routes.
                app.MapNmtWebApp();
            }
            else
            {
                app.MapOperations();
            }

            var server = new NmtServer(app, options, endpoints, database, embedded);
            embedded = null;
            try
            {
                await app.StartAsync(ct);
                server.LogStarted();
                if (options.Demo)
                {
                    await DemoSeeder.SeedAsync(app.Services, ct);
                }
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
            return server;
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
        }
    }

    /// <summary>Applies the migrations to the configured database (or the embedded one) and stops.</summary>
    public static async Task MigrateOnlyAsync(string[] args, CancellationToken ct = default)
    {
        var builder = CreateBuilder(args);
        var options = ReadOptions(builder.Configuration);
        using var bootLoggers = CreateBootLoggers(builder.Configuration);
        var logger = bootLoggers.CreateLogger<NmtServer>();
        var (database, embedded) = await OpenDatabaseAsync(builder.Configuration, options, logger, ct);
        try
        {
            await MigrateAsync(database.Owner, options, bootLoggers.CreateLogger("NmtPractice.Migrations"), ct);
            logger.LogInformation("Migrations applied");
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
        }
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => App.WaitForShutdownAsync(ct);

    /// <summary>Stops Kestrel and the silo (leaving the cluster gracefully), then the embedded PostgreSQL.</summary>
    public async Task StopAsync(CancellationToken ct = default) => await App.StopAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await App.StopAsync();
        }
        finally
        {
            await App.DisposeAsync();
            if (_embedded is not null)
            {
                await _embedded.DisposeAsync();
            }
        }
    }

    internal static NmtOptions ReadOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection(NmtOptions.Section).Get<NmtOptions>() ?? new NmtOptions();
        options.Role = options.Role.Trim().ToLowerInvariant();
        if (!ServerRole.IsKnown(options.Role))
        {
            throw new InvalidOperationException(
                $"Nmt:Role '{options.Role}' is not one of {ServerRole.SiloAndGateway}, {ServerRole.Silo}, {ServerRole.Gateway}.");
        }
        return options;
    }

    private static ILoggerFactory CreateBootLoggers(IConfiguration configuration) =>
        LoggerFactory.Create(b => b.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));

    /// <summary>The application's and the owner's connection strings to one database.</summary>
    private sealed record DatabaseConnections(string App, string Owner);

    private static async Task<(DatabaseConnections Database, LocalPostgresCluster? Embedded)> OpenDatabaseAsync(
        IConfiguration configuration, NmtOptions options, ILogger logger, CancellationToken ct)
    {
        var connectionString = configuration.GetConnectionString(NmtOptions.ConnectionStringName);
        var ownerConnectionString = configuration.GetConnectionString(NmtOptions.OwnerConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            // Without an owner connection (development) the migrations run as the application's connection.
            return (new DatabaseConnections(connectionString, string.IsNullOrWhiteSpace(ownerConnectionString) ? connectionString : ownerConnectionString), null);
        }
        if (!string.IsNullOrWhiteSpace(ownerConnectionString))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:NmtOwner is set but ConnectionStrings:Nmt is not: the server connects as the application role (ConnectionStrings:Nmt, environment ConnectionStrings__Nmt) and migrates as the owner (docs/configuration.md).");
        }
        if (options.Role != ServerRole.SiloAndGateway)
        {
            throw new InvalidOperationException(
                $"Role '{options.Role}' needs a shared database: set ConnectionStrings:Nmt (environment ConnectionStrings__Nmt).");
        }
        var dataDirectory = options.FullDataDirectory;
        logger.LogInformation("No ConnectionStrings:Nmt: starting the embedded PostgreSQL with data in {DataDirectory}", dataDirectory);
        var cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions
            {
                DataDirectory = Path.Combine(dataDirectory, "postgres"),
                Port = options.EmbeddedPostgresPort,
                DatabaseName = "nmt",
                KeepData = true,
            },
            logger,
            ct);
        try
        {
            // The superuser sets up the two roles (passwords generated once, kept 0600 in the PostgreSQL data
            // directory); the server migrates as the owner and runs as the application role.
            var owner = (options.Database.OwnerRole, cluster.ReadOrCreatePassword(options.Database.OwnerRole));
            var app = (options.Database.AppRole, cluster.ReadOrCreatePassword(options.Database.AppRole));
            await DatabaseRoles.EnsureAsync(cluster.AdminConnectionString, cluster.DatabaseName, owner, app, logger, ct);
            return (new DatabaseConnections(cluster.ConnectionStringFor(app.Item1, app.Item2), cluster.ConnectionStringFor(owner.Item1, owner.Item2)), cluster);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static async Task MigrateAsync(string ownerConnectionString, NmtOptions options, ILogger logger, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(ownerConnectionString);
        await Migrator.ApplyAsync(dataSource, logger, options.Database.AppRole, ct);
    }

    /// <summary>
    /// Embedded mode: this server has just started its private PostgreSQL (stopping any left-over one), so no other
    /// silo can be alive on it. Silos of an earlier run that did not stop cleanly are still marked alive in the
    /// membership table; declaring them dead now spares the new silo waiting for them to be voted out.
    /// </summary>
    private static async Task ClearPredecessorsAsync(string connectionString, string clusterId, ILogger logger, CancellationToken ct)
    {
        var cleared = await SoleSiloMembership.DeclarePredecessorsDeadAsync(connectionString, clusterId, ct);
        if (cleared > 0)
        {
            logger.LogWarning(
                "Cleared {Count} stale silo(s) from the membership of cluster {ClusterId}: an earlier run did not stop cleanly; they are declared dead (the embedded server is its cluster's only silo)",
                cleared,
                clusterId);
        }
        else
        {
            logger.LogDebug("No stale silos in the membership of cluster {ClusterId}", clusterId);
        }
    }

    private static ServerEndpoints Configure(WebApplicationBuilder builder, NmtOptions options, string connectionString, bool embedded)
    {
        var endpoints = ConfigureWebHost(builder, options);
        ConfigureShutdown(builder);

        if (ServerRole.HostsSilo(options.Role))
        {
            var siloPort = Port(options.SiloPort, embedded ? 0 : 11111);
            var gatewayPort = Port(options.GatewayPort, embedded ? 0 : 30000);
            builder.UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), siloPort, gatewayPort, options.ListenOnAnyHostAddress);
                silo.UsePostgresClustering(connectionString);
                silo.UsePostgresReminders(connectionString);
                silo.AddNmtPractice(connectionString);
                silo.AddActivityPropagation();
                // Operators (and the failure tests) tune failure detection and timeouts in configuration.
                silo.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:Membership"));
                silo.Services.Configure<SiloMessagingOptions>(builder.Configuration.GetSection("Orleans:Messaging"));
                silo.Services.Configure<CoverOptions>(builder.Configuration.GetSection(CoverOptions.Section));
                ConfigureClusterTls(silo, options, embedded);
                silo.Services.Configure<RequestLogOptions>(builder.Configuration.GetSection(RequestLogOptions.Section));
                silo.Services.Configure<OutboxOptions>(builder.Configuration.GetSection(OutboxOptions.Section));
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                client.UsePostgresClustering(connectionString);
                client.AddNmtPractice();
                client.AddActivityPropagation();
                client.Services.Configure<ClientMessagingOptions>(builder.Configuration.GetSection("Orleans:Messaging"));
                client.Services.Configure<GatewayOptions>(builder.Configuration.GetSection("Orleans:Gateway"));
                if (options.ClusterTls.IsConfigured)
                {
                    client.UseNmtClusterTls(options.ClusterTls);
                }
            });
            // The API reads and writes through the grains only; this pool is for the database health check (the silo
            // registers its own).
            builder.Services.TryAddSingleton(_ => NmtSilo.LedgerDataSource(connectionString));
        }

        if (ServerRole.ServesApi(options.Role))
        {
            var keys = builder.Services.AddNmtAuthentication(options.Auth, embedded ? options.FullDataDirectory : null);
            builder.Services.AddSingleton(new AuthenticationSource(keys));
        }
        builder.Services.AddNmtApi();
        builder.Services.Configure<NmtPractice.Api.Grpc.EventStreamOptions>(builder.Configuration.GetSection(NmtPractice.Api.Grpc.EventStreamOptions.Section));
        if (ServerRole.ServesApi(options.Role))
        {
            builder.Services.AddNmtHttpApi(options.Cors);
        }
        builder.Services.Configure<AccountOptions>(builder.Configuration.GetSection(AccountOptions.Section));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.AddNmtTelemetry(options);
        return endpoints;
    }

    /// <summary>
    /// Kestrel: gRPC on <c>urls</c> or the default address, HTTP/2 only (h2c without TLS; over TLS by ALPN), and in
    /// processes that serve the API the HTTP/1.1 endpoint on <c>Nmt:HttpUrl</c> (<see cref="ServerEndpoints"/>). With
    /// <c>Nmt:Tls</c> the defaults are https and every https endpoint serves that certificate (loaded once at start).
    /// </summary>
    private static ServerEndpoints ConfigureWebHost(WebApplicationBuilder builder, NmtOptions options)
    {
        var endpoints = ServerEndpoints.Plan(builder.Configuration, options, ServerRole.ServesApi(options.Role));
        // The endpoints are bound explicitly; cleared, `urls` would only make Kestrel warn that it overrides them.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        if (options.Tls.IsConfigured)
        {
            // Before the endpoints: an https endpoint takes the https defaults as they are when it is bound.
            var certificate = TlsCertificates.Load(options.Tls);
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate));
        }
        builder.WebHost.ConfigureKestrel(endpoints.Configure);
        return endpoints;
    }

    /// <summary>
    /// Graceful stop (SIGTERM, Ctrl+C): Kestrel stops first (no new calls; calls in flight finish, at most
    /// <see cref="KestrelFirstShutdown.DrainTimeout"/>), then the silo leaves the cluster, all within the host's 30 s.
    /// </summary>
    private static void ConfigureShutdown(WebApplicationBuilder builder)
    {
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddHostedService<KestrelFirstShutdown>();
    }

    /// <summary>Orleans TLS (silo-to-silo and gateway port) when <c>Nmt:ClusterTls</c> is configured; not in embedded mode (one silo).</summary>
    private static void ConfigureClusterTls(ISiloBuilder silo, NmtOptions options, bool embedded)
    {
        if (options.ClusterTls.IsConfigured && !embedded)
        {
            silo.UseNmtClusterTls(options.ClusterTls);
        }
    }

    /// <summary>The configured port; 0 picks a free one now (Orleans must advertise a real port).</summary>
    private static int Port(int? configured, int fallback)
    {
        var port = configured ?? fallback;
        if (port != 0)
        {
            return port;
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void LogStarted()
    {
        var logger = App.Services.GetRequiredService<ILogger<NmtServer>>();
        var database = new NpgsqlConnectionStringBuilder(ConnectionString);
        logger.LogInformation(
            "NmtPractice {Role} started: gRPC (HTTP/2, {Transport}) on {Urls}; HTTP/JSON, gRPC-Web and OpenAPI on {HttpUrl}; Orleans {ClusterTransport}; database {Database} on {Host}:{Port} as {User}; data directory {DataDirectory}",
            Options.Role,
            Urls.Any(u => u.StartsWith("https:", StringComparison.OrdinalIgnoreCase)) ? "TLS" : "without TLS",
            string.Join(", ", Urls),
            HttpUrl ?? "(none: no API in this role)",
            Options.ClusterTls.IsConfigured && _embedded is null ? "over mutually authenticated TLS" : "without TLS",
            database.Database,
            database.Host,
            database.Port,
            database.Username,
            DataDirectory ?? "(cluster mode: the database's)");
        if (App.Services.GetService<AuthenticationSource>() is { } auth)
        {
            logger.LogInformation("Bearer tokens are validated with {KeySource}", auth.Description);
            if (_embedded is not null)
            {
                logger.LogInformation(
                    "Every call needs a token: on this machine, `nmt login --role chain-admin --data-dir {DataDirectory}` mints one (docs/security.md)",
                    Options.FullDataDirectory);
            }
        }
    }

    /// <summary>Where the gateway's token keys come from, for the start-up log.</summary>
    private sealed record AuthenticationSource(string Description);
}
