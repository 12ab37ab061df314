using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace NmtPractice.Hosting.LocalPostgres;

/// <summary>
/// A private PostgreSQL server run from the machine's PostgreSQL binaries: initialises its data directory on
/// first use (initdb), starts it on 127.0.0.1 (pg_ctl), creates the database, and stops it on dispose.
/// When this process is root, PostgreSQL runs as the unprivileged service account (PostgreSQL refuses root).
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    /// <summary>Unix socket paths are limited to 107 bytes (sun_path).</summary>
    private const int MaxSocketPathLength = 107;
    private const string IncludeFileName = "nmt_local.conf";
    private const string LogFileName = "server.log";

    private readonly LocalPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly string? _runAs;
    private readonly string? _ownedSocketDirectory;
    private int _stopped;

    private LocalPostgresCluster(
        LocalPostgresOptions options,
        ILogger logger,
        PostgresBinaries binaries,
        string dataDirectory,
        int port,
        string? runAs,
        string? ownedSocketDirectory)
    {
        _options = options;
        _logger = logger;
        Binaries = binaries;
        DataDirectory = dataDirectory;
        Port = port;
        _runAs = runAs;
        _ownedSocketDirectory = ownedSocketDirectory;
        DatabaseName = options.DatabaseName;
        ConnectionString = BuildConnectionString(port, options.DatabaseName);
        AdminConnectionString = BuildConnectionString(port, "postgres");
    }

    public PostgresBinaries Binaries { get; }

    public string DataDirectory { get; }

    public int Port { get; }

    public string DatabaseName { get; }

    /// <summary>Host=127.0.0.1;Port=..;Username=postgres;Database=&lt;DatabaseName&gt;</summary>
    public string ConnectionString { get; }

    /// <summary>Same server, maintenance database <c>postgres</c> (for CREATE DATABASE and the like).</summary>
    public string AdminConnectionString { get; }

    /// <summary>The server's own log (stdout/stderr of the postmaster).</summary>
    public string LogFile => Path.Combine(DataDirectory, LogFileName);

    /// <summary>The account the server runs as when this process is root; null when it runs as this process's user.</summary>
    public string? ServiceAccount => _runAs;

    public static async Task<LocalPostgresCluster> StartAsync(LocalPostgresOptions options, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(options.DatabaseName))
        {
            throw new ArgumentException("DatabaseName is required.", nameof(options));
        }

        var binaries = PostgresBinaries.Find(options.BinarySearchDirectories, PostgresBinaries.DataDirectoryMajor(options.DataDirectory));
        logger.LogDebug("Using PostgreSQL {Version} binaries in {BinDirectory}", binaries.Version, binaries.Directory);

        string? runAs = null;
        if (IsRoot())
        {
            runAs = options.ServiceAccount;
            await EnsureAccountExistsAsync(runAs, ct).ConfigureAwait(false);
            logger.LogInformation(
                "Running as root: PostgreSQL refuses root, so initdb/pg_ctl run as the {Account} account via runuser and the data directory is owned by it",
                runAs);
        }

        var dataDir = Path.GetFullPath(options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "nmtpg-" + Guid.NewGuid().ToString("N")[..12]));
        var timeout = options.StartTimeout;

        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            await InitDbAsync(binaries, dataDir, options, runAs, logger, ct).ConfigureAwait(false);
        }
        else
        {
            logger.LogInformation("Reusing PostgreSQL data directory {DataDirectory}", dataDir);
            if (runAs is not null)
            {
                MakeAncestorsTraversable(dataDir, runAs, logger);
            }
        }

        // A server still running on this data directory (e.g. left over by a killed process) would hold the
        // directory; stop it so that we start with our own settings.
        var status = await ProcessRunner.RunAsync(binaries.PgCtl, ["status", "-D", dataDir], runAs, timeout, ct).ConfigureAwait(false);
        if (status.ExitCode == 0)
        {
            logger.LogWarning("A PostgreSQL server is already running on {DataDirectory}; stopping it first", dataDir);
            await ProcessRunner.RunAsync(binaries.PgCtl, ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", Seconds(timeout)], runAs, timeout, ct).ConfigureAwait(false);
        }
        else if (File.Exists(Path.Combine(dataDir, "postmaster.pid")))
        {
            logger.LogWarning("Found a stale postmaster.pid in {DataDirectory} (crashed run?); PostgreSQL will recover on start", dataDir);
        }

        var (socketDir, ownedSocketDir) = ChooseSocketDirectory(dataDir, runAs, logger);

        const int maxAttempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FindFreePort();
            WriteSettings(dataDir, port, socketDir, options, runAs);
            logger.LogInformation("Starting PostgreSQL on 127.0.0.1:{Port} with data directory {DataDirectory}", port, dataDir);
            var start = await ProcessRunner.RunAsync(
                binaries.PgCtl,
                ["start", "-D", dataDir, "-l", Path.Combine(dataDir, LogFileName), "-w", "-t", Seconds(timeout)],
                runAs,
                timeout + TimeSpan.FromSeconds(10),
                ct).ConfigureAwait(false);

            if (start.ExitCode == 0)
            {
                var cluster = new LocalPostgresCluster(options, logger, binaries, dataDir, port, runAs, ownedSocketDir);
                try
                {
                    await cluster.EnsureDatabaseAsync(options.DatabaseName, ct).ConfigureAwait(false);
                }
                catch
                {
                    await cluster.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                logger.LogInformation(
                    "PostgreSQL started on 127.0.0.1:{Port}, database {Database}, data directory {DataDirectory}",
                    port,
                    options.DatabaseName,
                    dataDir);
                return cluster;
            }

            var logTail = ReadLogTail(Path.Combine(dataDir, LogFileName));
            if (options.Port == 0 && attempt < maxAttempts)
            {
                logger.LogWarning(
                    "PostgreSQL failed to start on port {Port} (attempt {Attempt}); retrying on another port. pg_ctl said: {Output}",
                    port,
                    attempt,
                    start.CombinedOutput);
                continue;
            }

            throw new InvalidOperationException(
                $"PostgreSQL failed to start (pg_ctl exit code {start.ExitCode}) on 127.0.0.1:{port} with data directory {dataDir}.{Environment.NewLine}"
                + $"pg_ctl: {start.CombinedOutput}{Environment.NewLine}server log (tail):{Environment.NewLine}{logTail}");
        }
    }

    /// <summary>Creates the database if it does not exist yet.</summary>
    public async Task EnsureDatabaseAsync(string databaseName, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using (var check = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", conn))
        {
            check.Parameters.AddWithValue("name", databaseName);
            if (await check.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        try
        {
#pragma warning disable CA2100 // The name is quoted as an identifier.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(databaseName)}", conn);
#pragma warning restore CA2100
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            _logger.LogInformation("Created database {Database}", databaseName);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created concurrently: fine.
        }
    }

    /// <summary>Stops the server (pg_ctl stop -m fast). Idempotent.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        var result = await ProcessRunner.RunAsync(
            Binaries.PgCtl,
            ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", Seconds(_options.StartTimeout)],
            _runAs,
            _options.StartTimeout + TimeSpan.FromSeconds(10),
            ct).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            _logger.LogInformation("Stopped PostgreSQL on port {Port} (data directory {DataDirectory})", Port, DataDirectory);
        }
        else
        {
            _logger.LogWarning("pg_ctl stop for {DataDirectory} exited with {ExitCode}: {Output}", DataDirectory, result.ExitCode, result.CombinedOutput);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (!_options.KeepData)
        {
            TryDeleteDirectory(DataDirectory);
        }

        if (_ownedSocketDirectory is not null)
        {
            TryDeleteDirectory(_ownedSocketDirectory);
        }
    }

    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private void TryDeleteDirectory(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
                _logger.LogDebug("Deleted {Directory}", dir);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Could not delete {Directory}", dir);
        }
    }

    private static async Task InitDbAsync(
        PostgresBinaries binaries,
        string dataDir,
        LocalPostgresOptions options,
        string? runAs,
        ILogger logger,
        CancellationToken ct)
    {
        if (Directory.Exists(dataDir) && Directory.EnumerateFileSystemEntries(dataDir).Any())
        {
            throw new InvalidOperationException(
                $"The data directory {dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION). Use an empty or new directory.");
        }

        Directory.CreateDirectory(dataDir);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (runAs is not null)
        {
            await ChownAsync(dataDir, runAs, ct).ConfigureAwait(false);
            MakeAncestorsTraversable(dataDir, runAs, logger);
            logger.LogInformation("Gave the data directory {DataDirectory} to the {Account} account", dataDir, runAs);
        }

        logger.LogInformation("Initialising a PostgreSQL cluster in {DataDirectory}", dataDir);
        var args = new List<string> { "-D", dataDir, "-U", "postgres", "-A", "trust", "--no-locale", "-E", "UTF8" };
        if (!options.Fsync)
        {
            args.Add("--no-sync");
        }

        var result = await ProcessRunner.RunAsync(binaries.InitDb, args, runAs, TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed (exit code {result.ExitCode}) for {dataDir}:{Environment.NewLine}{result.CombinedOutput}");
        }

        // Trust, but only over the local socket and loopback (the server listens on 127.0.0.1 only anyway).
        File.WriteAllText(
            Path.Combine(dataDir, "pg_hba.conf"),
            "# Written by NmtPractice LocalPostgresCluster: trust on loopback only.\n"
            + "local   all   all                  trust\n"
            + "host    all   all   127.0.0.1/32   trust\n"
            + "local   replication   all                  trust\n"
            + "host    replication   all   127.0.0.1/32   trust\n");
        File.AppendAllText(
            Path.Combine(dataDir, "postgresql.conf"),
            $"\n# NmtPractice LocalPostgresCluster settings, rewritten on every start:\ninclude_if_exists = '{IncludeFileName}'\n");
    }

    private static void WriteSettings(string dataDir, int port, string socketDir, LocalPostgresOptions options, string? runAs)
    {
        var settings = new List<(string Name, string Value)>
        {
            ("listen_addresses", "127.0.0.1"),
            ("port", port.ToString(CultureInfo.InvariantCulture)),
            ("unix_socket_directories", socketDir),
            ("fsync", options.Fsync ? "on" : "off"),
            ("max_connections", options.MaxConnections.ToString(CultureInfo.InvariantCulture)),
            ("shared_buffers", options.SharedBuffers),
            ("logging_collector", "off"),
        };
        if (options.SynchronousCommit is { } sc)
        {
            settings.Add(("synchronous_commit", sc ? "on" : "off"));
        }

        if (!options.Fsync)
        {
            settings.Add(("full_page_writes", "off"));
        }

        settings.AddRange(options.ExtraSettings.Select(kv => (kv.Key, kv.Value)));

        var sb = new StringBuilder("# Written by NmtPractice LocalPostgresCluster on every start; edits are lost.\n");
        foreach (var (name, value) in settings)
        {
            sb.Append(name).Append(" = '").Append(value.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        }

        var path = Path.Combine(dataDir, IncludeFileName);
        File.WriteAllText(path, sb.ToString());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        _ = runAs; // Readable by the service account thanks to the mode above.
    }

    private static (string SocketDir, string? Owned) ChooseSocketDirectory(string dataDir, string? runAs, ILogger logger)
    {
        // ".s.PGSQL.65535.lock" is the longest name PostgreSQL puts there.
        if (Path.Combine(dataDir, ".s.PGSQL.65535.lock").Length <= MaxSocketPathLength)
        {
            return (dataDir, null);
        }

        var baseDir = Path.GetTempPath();
        if (Path.Combine(baseDir, "nmtpg-sock-0123456789ab", ".s.PGSQL.65535.lock").Length > MaxSocketPathLength)
        {
            baseDir = "/tmp";
        }

        var dir = Path.Combine(baseDir, "nmtpg-sock-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        if (!OperatingSystem.IsWindows())
        {
            // World-writable with the sticky bit, like /tmp, so the service account can create its socket.
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.StickyBit);
        }

        logger.LogInformation(
            "Data directory path is too long for a unix socket ({Limit} bytes); using socket directory {SocketDirectory}",
            MaxSocketPathLength,
            dir);
        _ = runAs;
        return (dir, dir);
    }

    /// <summary>The service account must be able to walk down to the data directory. We only loosen directories under the temp directory.</summary>
    private static void MakeAncestorsTraversable(string dataDir, string account, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var temp = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.GetTempPath()));
        for (var dir = Path.GetDirectoryName(dataDir); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            var mode = File.GetUnixFileMode(dir);
            if ((mode & UnixFileMode.OtherExecute) != 0)
            {
                continue;
            }

            var underTemp = dir.StartsWith(temp + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (underTemp)
            {
                File.SetUnixFileMode(dir, mode | UnixFileMode.OtherExecute);
                logger.LogInformation("Made {Directory} traversable (o+x) so that the {Account} account can reach its data directory", dir, account);
            }
            else
            {
                // We do not loosen permissions outside the temp directory behind the operator's back (e.g. /root).
                throw new InvalidOperationException(
                    $"PostgreSQL refuses to run as root, so it runs as the '{account}' account, which cannot reach the data directory " +
                    $"{dataDir}: {dir} is not traversable by other users. Run NmtPractice as an ordinary user, or choose a data " +
                    $"directory that account can reach (for example --data-dir /var/lib/nmt), or allow it with: chmod o+x {dir}");
            }
        }
    }

    private static async Task ChownAsync(string path, string account, CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync("chown", ["-R", account + ":", path], runAsAccount: null, TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown of {path} to {account} failed: {result.CombinedOutput}");
        }
    }

    private static async Task EnsureAccountExistsAsync(string account, CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync("id", ["-u", account], runAsAccount: null, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"This process runs as root and PostgreSQL refuses to run as root, but the unprivileged account '{account}' does not exist. "
                + "Install the PostgreSQL server package (Debian/Ubuntu: `apt-get install postgresql`, which creates the 'postgres' account), "
                + "create the account, or run as a non-root user.");
        }
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string ReadLogTail(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return "(no server log)";
            }

            var lines = File.ReadAllLines(path);
            return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - 30)));
        }
        catch (IOException e)
        {
            return $"(could not read the server log: {e.Message})";
        }
    }

    private static string Seconds(TimeSpan t) => Math.Max(1, (int)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string BuildConnectionString(int port, string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = database,
        }.ConnectionString;

    internal static bool IsRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            return NativeMethods.geteuid() == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return Environment.UserName == "root";
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = false)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054, CA1401, IDE1006 // A one-line libc call; no marshalling.
        internal static extern uint geteuid();
#pragma warning restore SYSLIB1054, CA1401, IDE1006
    }
}
