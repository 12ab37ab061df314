using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NmtPractice.Hosting.LocalPostgres;
using Npgsql;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// A private PostgreSQL for one fault test (never the shared one, which other tests use meanwhile) that the test can
/// stop (pg_ctl stop -m fast or immediate) and start again on the same data directory and port, and whose application
/// connections it can kill from a separate superuser connection.
/// </summary>
public sealed class StoppablePostgres : IAsyncDisposable
{
    private static readonly string[] RunuserLocations = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"];
    private static readonly TimeSpan PgCtlTimeout = TimeSpan.FromSeconds(60);

    private readonly LocalPostgresCluster _cluster;

    private StoppablePostgres(LocalPostgresCluster cluster) => _cluster = cluster;

    /// <summary>The application's database.</summary>
    public string ConnectionString => _cluster.ConnectionString;

    /// <summary>A superuser connection to the maintenance database.</summary>
    public string AdminConnectionString => _cluster.AdminConnectionString;

    public static async Task<StoppablePostgres> StartAsync(ILogger logger) =>
        new(await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DatabaseName = "nmt", KeepData = false, Fsync = false },
            logger,
            CancellationToken.None));

    /// <summary>pg_ctl stop with <paramref name="mode"/> ("fast": clients are told and disconnected; "immediate": the server is killed and recovers on start).</summary>
    public Task StopAsync(string mode) => PgCtlAsync("stop", "-D", _cluster.DataDirectory, "-m", mode, "-w", "-t", "60");

    /// <summary>Starts the server again on its data directory; its settings (port included) are the ones it was started with.</summary>
    public Task StartAsync() =>
        PgCtlAsync("start", "-D", _cluster.DataDirectory, "-l", _cluster.LogFile, "-w", "-t", "60");

    /// <summary>Terminates every backend connected to the application's database; returns how many.</summary>
    public async Task<int> TerminateApplicationConnectionsAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = _cluster.DatabaseName });
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser on the application's database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
#pragma warning disable CA2100 // Test statements, written in the tests.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private async Task PgCtlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (_cluster.ServiceAccount is { } account)
        {
            // PostgreSQL refuses root: the cluster runs as its service account, and so must pg_ctl.
            start.FileName = RunuserLocations.First(File.Exists);
            foreach (var a in (string[])["-u", account, "--", _cluster.Binaries.PgCtl])
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = _cluster.Binaries.PgCtl;
        }
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PgCtlTimeout + TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl {arguments[0]} exited with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }
}
