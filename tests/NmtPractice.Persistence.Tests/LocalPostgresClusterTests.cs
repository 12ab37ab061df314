using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NmtPractice.Hosting.LocalPostgres;
using NmtPractice.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace NmtPractice.Persistence.Tests;

/// <summary>Each test runs its own private cluster (not the shared fixture).</summary>
public sealed class LocalPostgresClusterTests(ITestOutputHelper output) : IDisposable
{
    private readonly ILogger _logger = new TestOutputLogger(output);
    private readonly string _root = Directory.CreateTempSubdirectory("nmtpg-test-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task Starts_on_loopback_with_the_requested_settings()
    {
        await using var cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = Path.Combine(_root, "data"), DatabaseName = "starts", KeepData = false },
            _logger,
            CancellationToken.None);

        Assert.Contains("Host=127.0.0.1", cluster.ConnectionString, StringComparison.Ordinal);
        Assert.NotEqual(0, cluster.Port);
        await using var conn = new NpgsqlConnection(cluster.ConnectionString);
        await conn.OpenAsync();
        Assert.Equal("starts", await ScalarAsync(conn, "SELECT current_database()"));
        Assert.Equal("127.0.0.1", await ScalarAsync(conn, "SELECT current_setting('listen_addresses')"));
        Assert.Equal("on", await ScalarAsync(conn, "SELECT current_setting('fsync')"));
        Assert.Equal("200", await ScalarAsync(conn, "SELECT current_setting('max_connections')"));
        Assert.Equal("128MB", await ScalarAsync(conn, "SELECT current_setting('shared_buffers')"));
        Assert.Equal("postgres", await ScalarAsync(conn, "SELECT current_user"));
    }

    [Fact]
    public async Task Reuses_the_data_directory_across_restarts()
    {
        var options = new LocalPostgresOptions { DataDirectory = Path.Combine(_root, "data"), DatabaseName = "reuse", KeepData = true };
        await using (var first = await LocalPostgresCluster.StartAsync(options, _logger, CancellationToken.None))
        {
            await ExecAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here');");
        }

        Assert.True(File.Exists(Path.Combine(_root, "data", "PG_VERSION")));
        options.KeepData = false;
        await using (var second = await LocalPostgresCluster.StartAsync(options, _logger, CancellationToken.None))
        {
            await using var conn = new NpgsqlConnection(second.ConnectionString);
            await conn.OpenAsync();
            Assert.Equal("still here", await ScalarAsync(conn, "SELECT v FROM kept"));
        }

        Assert.False(Directory.Exists(Path.Combine(_root, "data")));
    }

    [Fact]
    public async Task Recovers_from_a_crashed_server_with_a_stale_postmaster_pid()
    {
        var options = new LocalPostgresOptions { DataDirectory = Path.Combine(_root, "data"), DatabaseName = "crash", KeepData = true };
        await using (var first = await LocalPostgresCluster.StartAsync(options, _logger, CancellationToken.None))
        {
            await ExecAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('committed');");
            NpgsqlConnection.ClearAllPools();

            // Simulate a crash: SIGKILL the postmaster this test started, leaving postmaster.pid behind.
            var pidFile = Path.Combine(options.DataDirectory!, "postmaster.pid");
            var pid = int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);
            using (var postmaster = Process.GetProcessById(pid))
            {
                postmaster.Kill();
                await postmaster.WaitForExitAsync();
            }

            Assert.True(File.Exists(pidFile));

            // Its backends notice the postmaster's death and exit shortly after.
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        options.KeepData = false;
        await using var second = await LocalPostgresCluster.StartAsync(options, _logger, CancellationToken.None);
        await using var conn = new NpgsqlConnection(second.ConnectionString);
        await conn.OpenAsync();
        Assert.Equal("committed", await ScalarAsync(conn, "SELECT v FROM kept"));
    }

    [Fact]
    public async Task Missing_binaries_give_a_clear_error_naming_the_package()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "no-binaries")).FullName;
        var e = await Assert.ThrowsAsync<PostgresBinariesNotFoundException>(() => LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = Path.Combine(_root, "data"), BinarySearchDirectories = [empty] },
            _logger,
            CancellationToken.None));
        Assert.Contains("apt-get install postgresql", e.Message, StringComparison.Ordinal);
        Assert.Contains("initdb", e.Message, StringComparison.Ordinal);
        Assert.Contains(empty, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "data")));
    }

    [Fact]
    public async Task Uses_a_short_socket_directory_when_the_data_path_is_too_long()
    {
        var deep = Path.Combine(_root, new string('d', 60), new string('e', 60), "data");
        await using var cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = deep, DatabaseName = "deep", KeepData = false },
            _logger,
            CancellationToken.None);
        await using var conn = new NpgsqlConnection(cluster.ConnectionString);
        await conn.OpenAsync();
        var socketDir = (string)(await ScalarAsync(conn, "SELECT current_setting('unix_socket_directories')"))!;
        Assert.NotEqual(deep, socketDir);
        Assert.True(socketDir.Length < 90, socketDir);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync();
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
