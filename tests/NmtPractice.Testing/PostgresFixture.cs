using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using NmtPractice.Persistence;
using NmtPractice.Hosting.LocalPostgres;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace NmtPractice.Testing;

/// <summary>
/// A migrated PostgreSQL database for tests, with the production split of roles: <see cref="ConnectionString"/> is the
/// application role <c>nmt_app</c> (rows only, no DDL, audit_log append-only), <see cref="OwnerConnectionString"/> the
/// owner <c>nmt_owner</c> that ran the migrations, <see cref="AdminConnectionString"/> the superuser. A test that needs
/// DDL or superuser powers asks for them explicitly (<see cref="AsOwner"/>, <see cref="AsAdmin"/>).
/// With NMT_TEST_POSTGRES set to a (superuser) connection string, that server is used (the two roles are created on it,
/// with passwords derived from that connection string, so that every test process agrees on them);
/// otherwise a private <see cref="LocalPostgresCluster"/> is started in a fresh temp directory on a free 127.0.0.1 port,
/// shared by every fixture instance in the test process and deleted when the last one is disposed.
/// Use it as an xunit collection fixture: declare in your test project
/// <c>[CollectionDefinition(Name)] public sealed class PostgresCollection : PostgresCollectionBase;</c> (see <see cref="PostgresCollectionBase"/>).
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "NMT_TEST_POSTGRES";
    public const string DefaultDatabase = "nmt_test";

    private static readonly SemaphoreSlim SharedLock = new(1, 1);
    private static SharedServer? _shared;
    private static int _refCount;

    private readonly ILogger _logger;
    private SharedServer? _server;

    public PostgresFixture(IMessageSink messageSink)
    {
        _logger = new MessageSinkLogger(messageSink);
    }

    /// <summary>The application role on the migrated database <c>nmt_test</c> (shared by all tests using this fixture).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The owner role (migrations, DDL) on <c>nmt_test</c>.</summary>
    public string OwnerConnectionString => AsOwner(ConnectionString);

    /// <summary>The superuser on the server's maintenance database.</summary>
    public string AdminConnectionString => Server.AdminConnectionString;

    /// <summary>The owner role on the database of <paramref name="connectionString"/>.</summary>
    public string AsOwner(string connectionString) => Server.As(Server.Owner, connectionString);

    /// <summary>The application role on the database of <paramref name="connectionString"/>.</summary>
    public string AsApp(string connectionString) => Server.As(Server.App, connectionString);

    /// <summary>The superuser on the database of <paramref name="connectionString"/>.</summary>
    public string AsAdmin(string connectionString) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = new NpgsqlConnectionStringBuilder(connectionString).Database }.ConnectionString;

    /// <summary>The private cluster, or null when NMT_TEST_POSTGRES points at an external server.</summary>
    public LocalPostgresCluster? Cluster => Server.Cluster;

    public ILogger Logger => _logger;

    private SharedServer Server => _server ?? throw new InvalidOperationException("PostgresFixture is not initialised.");

    public async Task InitializeAsync()
    {
        await SharedLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _shared ??= await SharedServer.StartAsync(_logger).ConfigureAwait(false);
            _refCount++;
            _server = _shared;
        }
        finally
        {
            SharedLock.Release();
        }

        ConnectionString = _server.DefaultDatabaseConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_server is null)
        {
            return;
        }

        _server = null;
        SharedServer? toStop = null;
        await SharedLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (--_refCount == 0)
            {
                toStop = _shared;
                _shared = null;
            }
        }
        finally
        {
            SharedLock.Release();
        }

        if (toStop is not null)
        {
            await toStop.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Creates a fresh, uniquely named database owned by the owner role, migrates it, and returns the application role's connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix = "t") => Server.CreateDatabaseAsync(prefix, _logger);

    /// <summary>A data source for <paramref name="connectionString"/> (default: <see cref="ConnectionString"/>). Dispose it.</summary>
    public NpgsqlDataSource CreateDataSource(string? connectionString = null) => NpgsqlDataSource.Create(connectionString ?? ConnectionString);

    private sealed class SharedServer : IAsyncDisposable
    {
        private readonly string? _tempRoot;
        private readonly ILogger _logger;
        private int _databaseCounter;

        private SharedServer(LocalPostgresCluster? cluster, string adminConnectionString, string? tempRoot, ILogger logger)
        {
            Cluster = cluster;
            AdminConnectionString = adminConnectionString;
            _tempRoot = tempRoot;
            _logger = logger;
            Owner = (DatabaseRoles.DefaultOwnerRole, cluster?.ReadOrCreatePassword(DatabaseRoles.DefaultOwnerRole) ?? DerivedPassword(DatabaseRoles.DefaultOwnerRole));
            App = (Migrator.DefaultAppRole, cluster?.ReadOrCreatePassword(Migrator.DefaultAppRole) ?? DerivedPassword(Migrator.DefaultAppRole));
        }

        public LocalPostgresCluster? Cluster { get; }

        public string AdminConnectionString { get; }

        public (string Name, string Password) Owner { get; }

        public (string Name, string Password) App { get; }

        /// <summary><paramref name="role"/> on the database of <paramref name="connectionString"/>, on this server.</summary>
        public string As((string Name, string Password) role, string connectionString) =>
            new NpgsqlConnectionStringBuilder(AdminConnectionString)
            {
                Database = new NpgsqlConnectionStringBuilder(connectionString).Database,
                Username = role.Name,
                Password = role.Password,
            }.ConnectionString;

        /// <summary>An external server's test roles get passwords every test process computes alike (test processes run at once).</summary>
        private string DerivedPassword(string role) =>
            Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AdminConnectionString), Encoding.UTF8.GetBytes("nmt-test-role:" + role)))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public string DefaultDatabaseConnectionString { get; private set; } = "";

        public static async Task<SharedServer> StartAsync(ILogger logger)
        {
            var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
            SharedServer server;
            if (!string.IsNullOrWhiteSpace(external))
            {
                logger.LogInformation("Using the PostgreSQL server from {Variable}", EnvironmentVariable);
                server = new SharedServer(null, external, null, logger);
            }
            else
            {
                var root = Directory.CreateTempSubdirectory("nmtpg-").FullName;
                var cluster = await LocalPostgresCluster.StartAsync(
                    new LocalPostgresOptions
                    {
                        DataDirectory = Path.Combine(root, "data"),
                        Port = 0,
                        DatabaseName = DefaultDatabase,
                        KeepData = false,
                    },
                    logger,
                    CancellationToken.None).ConfigureAwait(false);
                server = new SharedServer(cluster, cluster.AdminConnectionString, root, logger);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            await DatabaseRoles.EnsureRolesAsync(server.AdminConnectionString, server.Owner, server.App, logger, CancellationToken.None).ConfigureAwait(false);
            server.DefaultDatabaseConnectionString = await server.EnsureMigratedDatabaseAsync(DefaultDatabase, logger).ConfigureAwait(false);
            return server;
        }

        public Task<string> CreateDatabaseAsync(string prefix, ILogger logger)
        {
            var n = Interlocked.Increment(ref _databaseCounter);
            var safePrefix = new string(prefix.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());
            var name = $"{(safePrefix.Length == 0 ? "t" : safePrefix)}_{n}_{Guid.NewGuid().ToString("N")[..10]}";
            if (name.Length > 63)
            {
                name = name[^63..];
            }

            return EnsureMigratedDatabaseAsync(name, logger);
        }

        /// <summary>The database owned by the owner role, migrated by it (which grants the application role); returns the application's connection string.</summary>
        private async Task<string> EnsureMigratedDatabaseAsync(string database, ILogger logger)
        {
            await DatabaseRoles.EnsureDatabaseAsync(AdminConnectionString, database, Owner.Name, logger, CancellationToken.None).ConfigureAwait(false);
            var cs = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;
            await using (var ds = NpgsqlDataSource.Create(As(Owner, cs)))
            {
                await Migrator.ApplyAsync(ds, logger, App.Name, CancellationToken.None).ConfigureAwait(false);
            }

            return As(App, cs);
        }

        public async ValueTask DisposeAsync()
        {
            if (Cluster is not null)
            {
                await Cluster.DisposeAsync().ConfigureAwait(false);
            }

            if (_tempRoot is not null && Directory.Exists(_tempRoot))
            {
                try
                {
                    Directory.Delete(_tempRoot, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _logger.LogWarning(e, "Could not delete {Directory}", _tempRoot);
                }
            }
        }
    }
}
