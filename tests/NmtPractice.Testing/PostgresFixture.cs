using Microsoft.Extensions.Logging;
using NmtPractice.Persistence;
using NmtPractice.Hosting.LocalPostgres;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace NmtPractice.Testing;

/// <summary>
/// A migrated PostgreSQL database for tests. With NMT_TEST_POSTGRES set to a connection string, that server is used;
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

    /// <summary>Connection string of the migrated database <c>nmt_test</c> (shared by all tests using this fixture).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Connection string of the server's maintenance database.</summary>
    public string AdminConnectionString => Server.AdminConnectionString;

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

    /// <summary>Creates a fresh, uniquely named, migrated database and returns its connection string.</summary>
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
        }

        public LocalPostgresCluster? Cluster { get; }

        public string AdminConnectionString { get; }

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

        private async Task<string> EnsureMigratedDatabaseAsync(string database, ILogger logger)
        {
            await using (var conn = new NpgsqlConnection(AdminConnectionString))
            {
                await conn.OpenAsync().ConfigureAwait(false);
                await using var check = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", conn);
                check.Parameters.AddWithValue("n", database);
                if (await check.ExecuteScalarAsync().ConfigureAwait(false) is null)
                {
                    try
                    {
#pragma warning disable CA2100 // Quoted identifier.
                        await using var create = new NpgsqlCommand($"CREATE DATABASE {LocalPostgresCluster.QuoteIdentifier(database)}", conn);
#pragma warning restore CA2100
                        await create.ExecuteNonQueryAsync().ConfigureAwait(false);
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
                    {
                        // Created concurrently.
                    }
                }
            }

            var cs = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;
            await using (var ds = NpgsqlDataSource.Create(cs))
            {
                await Migrator.ApplyAsync(ds, logger, CancellationToken.None).ConfigureAwait(false);
            }

            return cs;
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
