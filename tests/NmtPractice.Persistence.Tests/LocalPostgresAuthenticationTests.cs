using Microsoft.Extensions.Logging;
using NmtPractice.Hosting.LocalPostgres;
using NmtPractice.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// The private PostgreSQL lets in only who has its password (kept 0600 in the data directory): no trust for local
/// users, over TCP or the socket; and a data directory from the earlier version, which trusted them, is upgraded on
/// start without losing anything. Each test runs its own cluster.
/// </summary>
public sealed class LocalPostgresAuthenticationTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>What the earlier version wrote into pg_hba.conf.</summary>
    private const string OldTrustingHba =
        "# Written by NmtPractice LocalPostgresCluster: trust on loopback only.\n"
        + "local   all   all                  trust\n"
        + "host    all   all   127.0.0.1/32   trust\n"
        + "local   replication   all                  trust\n"
        + "host    replication   all   127.0.0.1/32   trust\n";

    private readonly ILogger _logger = new TestOutputLogger(output);
    private readonly string _root = Directory.CreateTempSubdirectory("nmtpg-auth-").FullName;

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
    public async Task Only_a_connection_with_the_generated_password_gets_in()
    {
        await using var cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = Path.Combine(_root, "data"), DatabaseName = "auth", KeepData = false, Fsync = false },
            _logger,
            CancellationToken.None);

        await AssertOnlyThePasswordGetsInAsync(cluster);
        Assert.Equal(["scram-sha-256"], HbaMethods(cluster.DataDirectory));
        await using var conn = new NpgsqlConnection(cluster.ConnectionString);
        await conn.OpenAsync();
        Assert.Equal("scram-sha-256", await ScalarAsync(conn, "SELECT current_setting('password_encryption')"));
        Assert.StartsWith("SCRAM-SHA-256$", (string)(await ScalarAsync(conn, "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'"))!, StringComparison.Ordinal);
        Assert.Equal("0700", await ScalarAsync(conn, "SELECT current_setting('unix_socket_permissions')"));
    }

    [Fact]
    public async Task A_data_directory_of_the_earlier_version_that_trusted_local_users_is_upgraded_in_place()
    {
        var options = new LocalPostgresOptions { DataDirectory = Path.Combine(_root, "data"), DatabaseName = "upgrade", KeepData = true, Fsync = false };
        string passwordFile;
        await using (var first = await LocalPostgresCluster.StartAsync(options, _logger, CancellationToken.None))
        {
            passwordFile = first.SuperuserPasswordFile;
            await using var conn = new NpgsqlConnection(first.ConnectionString);
            await conn.OpenAsync();
            await ExecAsync(conn, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('written before the upgrade')");
            // As the earlier version left it: initdb -A trust gave the superuser no password at all.
            await ExecAsync(conn, "ALTER ROLE postgres PASSWORD NULL");
        }

        File.WriteAllText(Path.Combine(options.DataDirectory!, "pg_hba.conf"), OldTrustingHba);
        File.Delete(passwordFile);

        options.KeepData = false;
        await using var second = await LocalPostgresCluster.StartAsync(options, _logger, CancellationToken.None);
        Assert.True(File.Exists(passwordFile));
        await AssertOnlyThePasswordGetsInAsync(second);
        await using (var conn = new NpgsqlConnection(second.ConnectionString))
        {
            await conn.OpenAsync();
            Assert.Equal("written before the upgrade", await ScalarAsync(conn, "SELECT v FROM kept"));
        }

        Assert.Equal(["scram-sha-256"], HbaMethods(options.DataDirectory!));
    }

    /// <summary>The password file is 0600; a wrong password is refused with 28P01, none at all too, over TCP and over the socket.</summary>
    private static async Task AssertOnlyThePasswordGetsInAsync(LocalPostgresCluster cluster)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cluster.SuperuserPasswordFile));
        }

        var password = File.ReadAllText(cluster.SuperuserPasswordFile).Trim();
        Assert.True(password.Length >= 43, "32 random bytes, base64url");
        Assert.Contains(password, cluster.ConnectionString, StringComparison.Ordinal);

        await using var conn = new NpgsqlConnection(cluster.ConnectionString);
        await conn.OpenAsync();
        var socketDirectory = (string)(await ScalarAsync(conn, "SELECT current_setting('unix_socket_directories')"))!;

        foreach (var host in new[] { "127.0.0.1", socketDirectory })
        {
            var wrong = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Host = host, Password = "not-" + password, Pooling = false };
            var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(wrong.ConnectionString));
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

            // Without a password the server asks for one (SASL) and Npgsql has none to give: nobody gets in on trust.
            var none = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Host = host, Password = null, Pooling = false };
            var noPassword = await Assert.ThrowsAnyAsync<NpgsqlException>(() => OpenAsync(none.ConnectionString));
            Assert.Contains("password", noPassword.Message, StringComparison.OrdinalIgnoreCase);

            var right = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Host = host, Pooling = false };
            await OpenAsync(right.ConnectionString);
        }
    }

    /// <summary>The authentication methods pg_hba.conf names (the last field of every rule), distinct.</summary>
    private static string[] HbaMethods(string dataDirectory) =>
        [.. File.ReadLines(Path.Combine(dataDirectory, "pg_hba.conf"))
            .Select(line => line.Split('#', 2)[0].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 0)
            .Select(fields => fields[^1])
            .Distinct()];

    private static async Task OpenAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        Assert.Equal("postgres", await ScalarAsync(conn, "SELECT current_user"));
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql)
    {
#pragma warning disable CA2100 // The test's own SQL.
        await using var cmd = new NpgsqlCommand(sql, conn);
#pragma warning restore CA2100
        return await cmd.ExecuteScalarAsync();
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
#pragma warning disable CA2100 // The test's own SQL.
        await using var cmd = new NpgsqlCommand(sql, conn);
#pragma warning restore CA2100
        await cmd.ExecuteNonQueryAsync();
    }
}
