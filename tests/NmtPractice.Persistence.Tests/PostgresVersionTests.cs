using Microsoft.Extensions.Logging.Abstractions;
using NmtPractice.Hosting.LocalPostgres;
using NmtPractice.Testing;
using Npgsql;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// PostgreSQL 15 or later (NULLS NOT DISTINCT in the Orleans storage migration): the version check as pure functions,
/// the migrator's check against the real server, and the embedded launcher's choice among binaries (fake `postgres`
/// scripts that only print a version: nothing is started from them).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresVersionTests(PostgresFixture fixture) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nmtpg-version-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(150000, "15", true)]
    [InlineData(150004, "15", true)]
    [InlineData(170002, "17", true)]
    [InlineData(149999, "14", false)]
    [InlineData(140011, "14", false)]
    [InlineData(90624, "9.6", false)]
    public void Server_version_num_gives_the_major_version_and_whether_it_is_supported(int versionNum, string major, bool supported)
    {
        Assert.Equal(major, PostgresVersion.MajorOf(versionNum));
        Assert.Equal(supported, PostgresVersion.IsSupported(versionNum));
    }

    [Fact]
    public void The_migrators_check_refuses_an_older_server_and_names_its_version()
    {
        var e = Assert.Throws<UnsupportedPostgresVersionException>(
            () => PostgresVersion.EnsureSupported(140011, "14.11 (Debian 14.11-1)", "The database server at db:5432"));
        Assert.Contains("PostgreSQL 14.11 (Debian 14.11-1)", e.Message, StringComparison.Ordinal);
        Assert.Contains("db:5432", e.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL 15 or later", e.Message, StringComparison.Ordinal);
        Assert.Equal(140011, e.ServerVersionNum);

        var old = Assert.Throws<UnsupportedPostgresVersionException>(() => PostgresVersion.EnsureSupported(90624, null, "x"));
        Assert.Contains("PostgreSQL 9.6 ", old.Message, StringComparison.Ordinal);

        PostgresVersion.EnsureSupported(150000, "15.0", "x"); // does not throw
    }

    [Fact]
    public async Task The_migrator_reads_the_real_servers_version_and_accepts_it()
    {
        await using var ds = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var conn = await ds.OpenConnectionAsync();
        await Migrator.EnsureSupportedServerAsync(conn, CancellationToken.None);
        Assert.True(conn.PostgreSqlVersion.Major >= PostgresVersion.MinimumMajor, conn.ServerVersion);
    }

    [Theory]
    [InlineData("postgres (PostgreSQL) 15.4 (Debian 15.4-1.pgdg120+1)", 15, 4)]
    [InlineData("pg_ctl (PostgreSQL) 9.6.24", 9, 6)]
    [InlineData("postgres (PostgreSQL) 17beta1", 17, 0)]
    [InlineData("postgres (PostgreSQL) 16.2\n", 16, 2)]
    public void Program_version_output_is_parsed(string output, int major, int minor)
    {
        Assert.Equal(new Version(major, minor), PostgresVersion.ParseProgramVersion(output));
    }

    [Theory]
    [InlineData("")]
    [InlineData("postgres: command not found")]
    public void Anything_else_is_no_version(string output) => Assert.Null(PostgresVersion.ParseProgramVersion(output));

    [Fact]
    public void The_launcher_prefers_the_newest_supported_binaries_and_keeps_a_data_directorys_version()
    {
        string v14 = FakeBinaries("v14", "14.9"), v15 = FakeBinaries("v15", "15.6"), v16 = FakeBinaries("v16", "16.2");

        Assert.Equal(v16, PostgresBinaries.Find([v14, v15, v16]).Directory);
        Assert.Equal(new Version(16, 2), PostgresBinaries.Find([v16, v14]).Version);
        Assert.Equal(v15, PostgresBinaries.Find([v14, v16, v15], dataDirectoryMajor: 15).Directory);

        var e = Assert.Throws<UnsupportedPostgresVersionException>(() => PostgresBinaries.Find([v14, v16], dataDirectoryMajor: 15));
        Assert.Contains("initialised by PostgreSQL 15", e.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL 16.2 in " + v16, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_launcher_refuses_binaries_older_than_15_and_says_which_it_found()
    {
        var v13 = FakeBinaries("v13", "13.14");
        var v14 = FakeBinaries("v14", "14.9");
        var data = Path.Combine(_root, "data");

        var e = await Assert.ThrowsAsync<UnsupportedPostgresVersionException>(() => LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = data, BinarySearchDirectories = [v13, v14] },
            NullLogger.Instance,
            CancellationToken.None));

        Assert.Contains("PostgreSQL 13.14 in " + v13, e.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL 14.9 in " + v14, e.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL 15 or later", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }

    /// <summary>A directory with initdb, pg_ctl and a postgres that prints "postgres (PostgreSQL) VERSION".</summary>
    private string FakeBinaries(string name, string version)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        foreach (var program in new[] { "initdb", "pg_ctl", "postgres" })
        {
            var path = Path.Combine(dir, program);
            File.WriteAllText(path, $"#!/bin/sh\necho '{program} (PostgreSQL) {version}'\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        return dir;
    }
}
