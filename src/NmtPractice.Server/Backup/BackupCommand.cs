using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using NmtPractice.Hosting.LocalPostgres;
using Npgsql;

namespace NmtPractice.Server.Backup;

/// <summary>
/// <c>backup --out FILE</c> and <c>restore --from FILE [--force]</c> for the embedded default: pg_dump (custom format)
/// of the private PostgreSQL in the data directory, with everything in it (the ledger, records, audit trail, and
/// Orleans' grain state, reminders and membership), and pg_restore into an empty data directory. The programs are the
/// ones the embedded cluster runs on (same <see cref="PostgresBinaries"/>), they connect over 127.0.0.1 with the
/// cluster's own credentials, passed in the environment (a password, when there is one, is never on a command line).
/// Both refuse while a server runs on the data directory: stop it first (they start the private PostgreSQL
/// themselves). The dump is written 0600: it holds health data.
/// </summary>
public static class BackupCommand
{
    /// <summary>Configuration key of the file (<c>--out</c> for backup, <c>--from</c> for restore).</summary>
    public const string FileKey = "Nmt:Backup:File";

    /// <summary>Configuration key of <c>--force</c>: restore over a database that holds data.</summary>
    public const string ForceKey = "Nmt:Backup:Force";

    /// <summary>
    /// Optional: the role that owns the restored objects (pg_restore <c>--role</c>; objects are restored with
    /// <c>--no-owner</c>). Default: the role the embedded cluster's maintenance connection uses.
    /// </summary>
    public const string RoleKey = "Nmt:Backup:Role";

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Runs <c>backup</c> or <c>restore</c>; returns the exit code (0 done, 1 failed, 2 refused or misused).</summary>
    public static async Task<int> RunAsync(ServerCommand command, string[] args, CancellationToken ct = default)
    {
        var builder = NmtServer.CreateBuilder(args);
        var options = NmtServer.ReadOptions(builder.Configuration);
        using var loggers = LoggerFactory.Create(b => b.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggers.CreateLogger("NmtPractice.Backup");
        try
        {
            var file = builder.Configuration[FileKey];
            if (string.IsNullOrWhiteSpace(file))
            {
                throw new BackupRefusedException(command == ServerCommand.Backup
                    ? "backup needs --out FILE (where to write the dump)."
                    : "restore needs --from FILE (a dump written by `backup`).");
            }
            if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(NmtOptions.ConnectionStringName)))
            {
                throw new BackupRefusedException(
                    "backup and restore are for the embedded default; with ConnectionStrings:Nmt the database is yours: back it up with "
                    + "pg_dump/pg_restore or your provider's backups (docs/backup.md).");
            }
            var dataDirectory = options.FullDataDirectory;
            var force = builder.Configuration.GetValue<bool>(ForceKey);
            if (command == ServerCommand.Backup)
            {
                await BackupAsync(dataDirectory, options.EmbeddedPostgresPort, Path.GetFullPath(file), logger, ct);
            }
            else
            {
                await RestoreAsync(dataDirectory, options.EmbeddedPostgresPort, Path.GetFullPath(file), force, builder.Configuration[RoleKey], options.Database, logger, ct);
            }
            return 0;
        }
        catch (BackupRefusedException e)
        {
            logger.LogError("{Command} refused: {Reason}", command.ToString().ToLowerInvariant(), e.Message);
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or NpgsqlException or TimeoutException
            or System.ComponentModel.Win32Exception or PostgresBinariesNotFoundException or Persistence.UnsupportedPostgresVersionException)
        {
            logger.LogError(e, "{Command} failed", command.ToString().ToLowerInvariant());
            return 1;
        }
    }

    /// <summary>Dumps the embedded database of <paramref name="dataDirectory"/> to <paramref name="file"/>.</summary>
    public static async Task BackupAsync(string dataDirectory, int port, string file, ILogger logger, CancellationToken ct = default)
    {
        var postgresDirectory = PostgresDirectory(dataDirectory);
        if (!File.Exists(Path.Combine(postgresDirectory, "PG_VERSION")))
        {
            throw new BackupRefusedException($"There is no NmtPractice database in {dataDirectory} (no {postgresDirectory}/PG_VERSION): nothing to back up.");
        }
        RefuseWhileRunning(postgresDirectory);
        await using var cluster = await StartClusterAsync(postgresDirectory, port, logger, ct);
        var connection = MaintenanceConnection(cluster);
        var pgDump = Tool(cluster.Binaries, "pg_dump");

        // Written next to the target and renamed when complete: a failed backup never leaves a truncated FILE behind.
        var directory = Path.GetDirectoryName(file) ?? ".";
        Directory.CreateDirectory(directory);
        var partial = Path.Combine(directory, "." + Path.GetFileName(file) + ".partial-" + Environment.ProcessId);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            long bytes;
            await using (var output = new FileStream(partial, options))
            {
                await RunToolAsync(pgDump, ["--format=custom", "--compress=6", "--no-password"], connection, output, ct);
                bytes = output.Length;
            }
            File.Move(partial, file, overwrite: true);
            logger.LogInformation(
                "Backed up database {Database} of {DataDirectory} to {File} ({Bytes:N0} bytes, pg_dump custom format). The token signing key file is not in it: keep a copy of it separately",
                cluster.DatabaseName,
                dataDirectory,
                file,
                bytes);
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }
    }

    /// <summary>
    /// Restores <paramref name="file"/> into the embedded database of <paramref name="dataDirectory"/> (created when
    /// missing). Refuses when that database already holds tables, unless <paramref name="force"/>, which drops it first.
    /// One transaction: a restore that fails leaves the database empty. The owner and application roles are set up first,
    /// as the server sets them up, so that the objects belong to the owner and the dump's grants to the application role apply.
    /// </summary>
    public static async Task RestoreAsync(
        string dataDirectory, int port, string file, bool force, string? role, DatabaseRoleOptions roles, ILogger logger, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (!File.Exists(file))
        {
            throw new BackupRefusedException($"The dump {file} does not exist.");
        }
        var postgresDirectory = PostgresDirectory(dataDirectory);
        if (File.Exists(Path.Combine(postgresDirectory, "PG_VERSION")))
        {
            RefuseWhileRunning(postgresDirectory);
        }
        await using var cluster = await StartClusterAsync(postgresDirectory, port, logger, ct);
        var connection = MaintenanceConnection(cluster);
        var tables = await CountTablesAsync(connection, ct);
        if (tables > 0)
        {
            if (!force)
            {
                throw new BackupRefusedException(
                    $"The database {cluster.DatabaseName} in {dataDirectory} already holds {tables} table(s). Restore into an empty or new data "
                    + "directory (--data-dir), or pass --force to drop that database and replace it with the dump.");
            }
            logger.LogWarning("--force: dropping database {Database} ({Tables} tables) before the restore", cluster.DatabaseName, tables);
            await DropDatabaseAsync(cluster, ct);
            await cluster.EnsureDatabaseAsync(cluster.DatabaseName, ct);
        }

        await DatabaseRoles.EnsureAsync(
            cluster.AdminConnectionString,
            cluster.DatabaseName,
            (roles.OwnerRole, cluster.ReadOrCreatePassword(roles.OwnerRole)),
            (roles.AppRole, cluster.ReadOrCreatePassword(roles.AppRole)),
            logger,
            ct);
        var owner = string.IsNullOrWhiteSpace(role) ? roles.OwnerRole : role;
        var pgRestore = Tool(cluster.Binaries, "pg_restore");
        await RunToolAsync(
            pgRestore,
            ["--no-owner", "--role=" + owner, "--single-transaction", "--exit-on-error", "--no-password", "--dbname=" + cluster.DatabaseName, file],
            connection,
            output: null,
            ct);
        logger.LogInformation(
            "Restored {File} into database {Database} of {DataDirectory} (objects owned by {Role}). Start the server on this data directory: it applies any newer migrations",
            file,
            cluster.DatabaseName,
            dataDirectory,
            owner);
    }

    private static string PostgresDirectory(string dataDirectory) => Path.Combine(dataDirectory, "postgres");

    /// <summary>The embedded cluster as the server starts it (same data directory, database and port setting).</summary>
    private static Task<LocalPostgresCluster> StartClusterAsync(string postgresDirectory, int port, ILogger logger, CancellationToken ct) =>
        LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = postgresDirectory, Port = port, DatabaseName = "nmt", KeepData = true },
            logger,
            ct);

    /// <summary>
    /// A server (or a PostgreSQL it left behind) still running on the data directory: the cluster start would stop it
    /// under the server's feet, so refuse instead.
    /// </summary>
    private static void RefuseWhileRunning(string postgresDirectory)
    {
        var pidFile = Path.Combine(postgresDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }
        string? first;
        try
        {
            first = File.ReadLines(pidFile).FirstOrDefault();
        }
        catch (IOException)
        {
            return;
        }
        if (!int.TryParse(first, out var pid) || pid <= 0)
        {
            return;
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited)
            {
                return;
            }
        }
        catch (ArgumentException)
        {
            return; // Not running: a stale pid file of a crashed run, which the cluster start recovers from.
        }
        throw new BackupRefusedException(
            $"A PostgreSQL server (pid {pid}) is running on {postgresDirectory}: stop the NmtPractice server that uses this data directory "
            + "first (Ctrl+C or SIGTERM; if it was killed, start it and stop it once so that it stops its PostgreSQL).");
    }

    /// <summary>The cluster's maintenance connection (the role that created and migrated the database), on the NmtPractice database.</summary>
    private static NpgsqlConnectionStringBuilder MaintenanceConnection(LocalPostgresCluster cluster) =>
        new(cluster.AdminConnectionString) { Database = cluster.DatabaseName };

    private static async Task<long> CountTablesAsync(NpgsqlConnectionStringBuilder connection, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection.ConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", conn);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task DropDatabaseAsync(LocalPostgresCluster cluster, CancellationToken ct)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(cluster.AdminConnectionString);
        await conn.OpenAsync(ct);
#pragma warning disable CA2100 // The name is quoted as an identifier.
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {LocalPostgresCluster.QuoteIdentifier(cluster.DatabaseName)} WITH (FORCE)", conn);
#pragma warning restore CA2100
        await drop.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// pg_dump or pg_restore of the server's own installation: next to pg_ctl, or next to what pg_ctl links to (a
    /// directory on PATH often holds links to the server programs only, not to the client tools).
    /// </summary>
    private static string Tool(PostgresBinaries binaries, string name)
    {
        var directories = new List<string> { binaries.Directory };
        if (new FileInfo(binaries.PgCtl).ResolveLinkTarget(returnFinalTarget: true) is { } target && Path.GetDirectoryName(target.FullName) is { } real)
        {
            directories.Add(real);
        }
        if (binaries.Version is { } version)
        {
            directories.Add($"/usr/lib/postgresql/{version.Major}/bin");
        }
        return directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"{name} was not found next to the PostgreSQL server programs ({string.Join(", ", directories.Distinct())}); install the PostgreSQL client programs of the same version.");
    }

    /// <summary>
    /// Runs pg_dump or pg_restore against <paramref name="connection"/>: host, port, user and database in the
    /// environment, and the password (if any) in PGPASSWORD, never in the arguments, which <c>ps</c> shows to every user.
    /// Standard output goes to <paramref name="output"/> when given. Returns standard error; throws on a non-zero exit.
    /// </summary>
    private static async Task<string> RunToolAsync(
        string tool, IReadOnlyList<string> arguments, NpgsqlConnectionStringBuilder connection, Stream? output, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = output is not null,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["PGHOST"] = connection.Host;
        psi.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["PGUSER"] = connection.Username;
        psi.Environment["PGDATABASE"] = connection.Database;
        psi.Environment["PGCONNECT_TIMEOUT"] = "30";
        psi.Environment.Remove("PGPASSFILE");
        if (!string.IsNullOrEmpty(connection.Password))
        {
            psi.Environment["PGPASSWORD"] = connection.Password;
        }
        else
        {
            psi.Environment.Remove("PGPASSWORD");
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ToolTimeout);
        try
        {
            if (output is not null)
            {
                await process.StandardOutput.BaseStream.CopyToAsync(output, timeout.Token);
            }
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (ct.IsCancellationRequested)
            {
                throw;
            }
            throw new TimeoutException($"{Path.GetFileName(tool)} did not finish within {ToolTimeout}.");
        }
        string errors;
        lock (stderr)
        {
            errors = stderr.ToString();
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(tool)} exited with code {process.ExitCode}: {errors.Trim()}");
        }
        return errors;
    }
}

/// <summary>A backup or restore that must not go ahead (misuse, a running server, a database that holds data).</summary>
public sealed class BackupRefusedException : Exception
{
    public BackupRefusedException() { }

    public BackupRefusedException(string message) : base(message) { }

    public BackupRefusedException(string message, Exception inner) : base(message, inner) { }
}
