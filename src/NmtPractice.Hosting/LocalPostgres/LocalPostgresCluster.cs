using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace NmtPractice.Hosting.LocalPostgres;

/// <summary>
/// A private PostgreSQL server run from the machine's PostgreSQL binaries: initialises its data directory on
/// first use (initdb), starts it on 127.0.0.1 (pg_ctl), creates the database, and stops it on dispose.
/// When this process is root, PostgreSQL runs as the unprivileged service account (PostgreSQL refuses root).
/// Only this process gets in: every connection (TCP on 127.0.0.1 and the unix socket) needs a password
/// (scram-sha-256); the superuser's is generated at initdb and kept in <see cref="SuperuserPasswordFile"/> (mode 0600,
/// in the data directory). A data directory from an earlier version that trusted every local user is upgraded in
/// place on start (see <see cref="StartAsync"/>).
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    /// <summary>Unix socket paths are limited to 107 bytes (sun_path).</summary>
    private const int MaxSocketPathLength = 107;
    private const string IncludeFileName = "nmt_local.conf";
    private const string LogFileName = "server.log";
    private const string HbaFileName = "pg_hba.conf";

    /// <summary>The bootstrap superuser initdb creates.</summary>
    public const string Superuser = "postgres";

    /// <summary>Suffix of the files holding the roles' passwords in the data directory (<c>postgres.password</c>, ...).</summary>
    public const string PasswordFileSuffix = ".password";

    /// <summary>What pg_hba.conf says on every start: a password for everyone, over the socket and over loopback alike.</summary>
    internal const string HbaContents =
        "# Written by NmtPractice LocalPostgresCluster on every start; edits are lost.\n"
        + "# Every connection needs a password (scram-sha-256), over the socket and over TCP; the server listens on 127.0.0.1 only.\n"
        + "local   all           all                  scram-sha-256\n"
        + "host    all           all   127.0.0.1/32   scram-sha-256\n"
        + "local   replication   all                  scram-sha-256\n"
        + "host    replication   all   127.0.0.1/32   scram-sha-256\n";

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
        string superuserPassword,
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
        ConnectionString = ConnectionStringFor(Superuser, superuserPassword, options.DatabaseName);
        AdminConnectionString = ConnectionStringFor(Superuser, superuserPassword, "postgres");
    }

    public PostgresBinaries Binaries { get; }

    public string DataDirectory { get; }

    public int Port { get; }

    public string DatabaseName { get; }

    /// <summary>The superuser on the database: Host=127.0.0.1;Port=..;Username=postgres;Password=..;Database=&lt;DatabaseName&gt;</summary>
    public string ConnectionString { get; }

    /// <summary>The superuser on the maintenance database <c>postgres</c> (for CREATE DATABASE, CREATE ROLE and the like).</summary>
    public string AdminConnectionString { get; }

    /// <summary>The file (mode 0600) holding the superuser's password.</summary>
    public string SuperuserPasswordFile => SecretFile(DataDirectory, Superuser);

    /// <summary>A connection string for <paramref name="user"/> on this server (127.0.0.1 and its port).</summary>
    public string ConnectionStringFor(string user, string password, string? database = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = user,
            Password = password,
            Database = database ?? DatabaseName,
        }.ConnectionString;

    /// <summary>
    /// The password of <paramref name="role"/> kept in the data directory (file <c>&lt;role&gt;.password</c>, mode 0600),
    /// generated (32 random bytes, base64url) and written when there is none yet. Setting it on the role is the caller's business.
    /// </summary>
    public string ReadOrCreatePassword(string role) => ReadOrCreateSecret(SecretFile(DataDirectory, role));

    /// <summary>32 random bytes, base64url without padding (no quote, semicolon or space: safe in connection strings and SQL literals).</summary>
    public static string NewPassword() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

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

        var superuserPassword = await EnsurePasswordAuthenticationAsync(binaries, dataDir, options, runAs, logger, ct).ConfigureAwait(false);
        File.WriteAllText(Path.Combine(dataDir, HbaFileName), HbaContents);
        var (socketDir, ownedSocketDir) = ChooseSocketDirectory(dataDir, runAs, logger);

        const int maxAttempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FindFreePort();
            WriteSettings(dataDir, port, "127.0.0.1", socketDir, options, runAs);
            logger.LogInformation("Starting PostgreSQL on 127.0.0.1:{Port} with data directory {DataDirectory}", port, dataDir);
            var start = await ProcessRunner.RunAsync(
                binaries.PgCtl,
                ["start", "-D", dataDir, "-l", Path.Combine(dataDir, LogFileName), "-w", "-t", Seconds(timeout)],
                runAs,
                timeout + TimeSpan.FromSeconds(10),
                ct).ConfigureAwait(false);

            if (start.ExitCode == 0)
            {
                var cluster = new LocalPostgresCluster(options, logger, binaries, dataDir, port, superuserPassword, runAs, ownedSocketDir);
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

        // The superuser's password goes to initdb in a file (never on a command line), in a private directory of its
        // own that only initdb's account can read, deleted straight after; it is kept in the data directory afterwards.
        var password = NewPassword();
        var pwDir = Directory.CreateTempSubdirectory("nmtpg-init-").FullName;
        try
        {
            var pwFile = Path.Combine(pwDir, "pw");
            WriteSecretFile(pwFile, password);
            if (runAs is not null)
            {
                await ChownAsync(pwDir, runAs, ct).ConfigureAwait(false);
            }

            var args = new List<string>
            {
                "-D", dataDir, "-U", Superuser, "--auth=scram-sha-256", "--pwfile=" + pwFile, "--no-locale", "-E", "UTF8",
            };
            if (!options.Fsync)
            {
                args.Add("--no-sync");
            }

            var result = await ProcessRunner.RunAsync(binaries.InitDb, args, runAs, TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed (exit code {result.ExitCode}) for {dataDir}:{Environment.NewLine}{result.CombinedOutput}");
            }
        }
        finally
        {
            Directory.Delete(pwDir, recursive: true);
        }

        WriteSecretFile(SecretFile(dataDir, Superuser), password);
        File.WriteAllText(Path.Combine(dataDir, HbaFileName), HbaContents);
        File.AppendAllText(
            Path.Combine(dataDir, "postgresql.conf"),
            $"\n# NmtPractice LocalPostgresCluster settings, rewritten on every start:\ninclude_if_exists = '{IncludeFileName}'\n");
    }

    private static void WriteSettings(string dataDir, int port, string listenAddresses, string socketDir, LocalPostgresOptions options, string? runAs)
    {
        var settings = new List<(string Name, string Value)>
        {
            ("listen_addresses", listenAddresses),
            ("port", port.ToString(CultureInfo.InvariantCulture)),
            ("unix_socket_directories", socketDir),
            // The socket is for this account only (and root); a password is needed on it anyway.
            ("unix_socket_permissions", "0700"),
            ("password_encryption", "scram-sha-256"),
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

    private static string SecretFile(string dataDir, string role) => Path.Combine(dataDir, role + PasswordFileSuffix);

    private static string ReadOrCreateSecret(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length > 0)
            {
                return existing;
            }
        }

        var secret = NewPassword();
        WriteSecretFile(path, secret);
        return secret;
    }

    /// <summary>Writes <paramref name="secret"/> to a new file created with mode 0600 (never readable by others, not even briefly).</summary>
    private static void WriteSecretFile(string path, string secret)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, fileOptions))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(secret);
            writer.Write('\n');
        }

        File.Move(temp, path, overwrite: true);
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether pg_hba.conf lets anyone in without a password (an earlier version's <c>trust</c> lines).</summary>
    internal static bool HbaTrustsAnyone(string hbaPath) =>
        File.Exists(hbaPath)
        && File.ReadLines(hbaPath)
            .Select(line => line.Split('#', 2)[0])
            .Any(line => line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .Any(token => token == "trust"));

    /// <summary>
    /// Makes sure the cluster's superuser has the password kept in the data directory and returns it. A new cluster
    /// has it since initdb. A data directory from an earlier version (initdb with trust, a trusting pg_hba.conf and no
    /// password file), or one whose password file was lost, is brought up once on a private unix socket only (no TCP;
    /// the socket directory is 0700, so no other user of the machine can reach it), the superuser is given the
    /// password, and the server is stopped again; the caller then writes the password-only pg_hba.conf and starts it
    /// for real. Nothing in the databases is touched.
    /// </summary>
    private static async Task<string> EnsurePasswordAuthenticationAsync(
        PostgresBinaries binaries, string dataDir, LocalPostgresOptions options, string? runAs, ILogger logger, CancellationToken ct)
    {
        var passwordFile = SecretFile(dataDir, Superuser);
        var hba = Path.Combine(dataDir, HbaFileName);
        var hasPassword = File.Exists(passwordFile) && File.ReadAllText(passwordFile).Trim().Length > 0;
        if (hasPassword && !HbaTrustsAnyone(hba))
        {
            return File.ReadAllText(passwordFile).Trim();
        }

        logger.LogWarning(
            "The PostgreSQL data directory {DataDirectory} {Why}: giving the superuser a generated password (kept in {PasswordFile}, mode 0600) and requiring passwords from now on",
            dataDir,
            hasPassword ? "lets local users in without a password" : "has no password file (created by an earlier version that trusted every local user?)",
            passwordFile);
        var password = ReadOrCreateSecret(passwordFile);
        var socketDir = Directory.CreateTempSubdirectory("nmtpg-up-").FullName; // 0700
        if (Path.Combine(socketDir, ".s.PGSQL.65535.lock").Length > MaxSocketPathLength)
        {
            Directory.Delete(socketDir);
            socketDir = Path.Combine("/tmp", "nmtpg-up-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(socketDir);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(socketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        try
        {
            if (runAs is not null)
            {
                await ChownAsync(socketDir, runAs, ct).ConfigureAwait(false);
            }

            // Trust only on the private socket, for the superuser, for this one start; no TCP at all.
            File.WriteAllText(
                hba,
                "# Written by NmtPractice LocalPostgresCluster while it sets the superuser's password (private socket, no TCP).\n"
                + $"local   all   {Superuser}   trust\n");
            const int port = 5432; // Only names the socket file in the private directory; nothing listens on TCP.
            WriteSettings(dataDir, port, "", socketDir, options, runAs);
            var timeout = options.StartTimeout;
            var start = await ProcessRunner.RunAsync(
                binaries.PgCtl,
                ["start", "-D", dataDir, "-l", Path.Combine(dataDir, LogFileName), "-w", "-t", Seconds(timeout)],
                runAs,
                timeout + TimeSpan.FromSeconds(10),
                ct).ConfigureAwait(false);
            if (start.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL failed to start on a private socket to set its superuser's password (pg_ctl exit code {start.ExitCode}), data directory {dataDir}.{Environment.NewLine}"
                    + $"pg_ctl: {start.CombinedOutput}{Environment.NewLine}server log (tail):{Environment.NewLine}{ReadLogTail(Path.Combine(dataDir, LogFileName))}");
            }

            try
            {
                var cs = new NpgsqlConnectionStringBuilder
                {
                    Host = socketDir,
                    Port = port,
                    Username = Superuser,
                    Database = "postgres",
                    Pooling = false,
                }.ConnectionString;
                await using var conn = new NpgsqlConnection(cs);
                await conn.OpenAsync(ct).ConfigureAwait(false);
#pragma warning disable CA2100 // The password is base64url (no quote); ALTER ROLE takes no parameters.
                await using var alter = new NpgsqlCommand($"ALTER ROLE {QuoteIdentifier(Superuser)} PASSWORD '{password}'", conn);
#pragma warning restore CA2100
                await alter.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                var stop = await ProcessRunner.RunAsync(
                    binaries.PgCtl,
                    ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", Seconds(timeout)],
                    runAs,
                    timeout + TimeSpan.FromSeconds(10),
                    ct).ConfigureAwait(false);
                if (stop.ExitCode != 0)
                {
                    logger.LogWarning("pg_ctl stop after setting the password exited with {ExitCode}: {Output}", stop.ExitCode, stop.CombinedOutput);
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(socketDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        logger.LogInformation("PostgreSQL in {DataDirectory} now requires a password (scram-sha-256) for every connection", dataDir);
        return password;
    }

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
