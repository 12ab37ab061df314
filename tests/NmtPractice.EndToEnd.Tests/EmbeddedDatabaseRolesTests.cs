using Grpc.Net.Client;
using NmtPractice.Hosting.LocalPostgres;
using NmtPractice.Server;
using Npgsql;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The embedded default's private PostgreSQL: every connection needs a password (kept 0600 in the data directory), the
/// server migrates as the owner role and serves as the least-privilege application role, and a data directory of the
/// earlier version (trust, everything owned by the superuser) is upgraded on start with its bookings.
/// </summary>
public sealed class EmbeddedDatabaseRolesTests
{
    private static readonly string[] PasswordFiles = ["postgres.password", "nmt_owner.password", "nmt_app.password"];

    [Fact]
    public async Task The_embedded_server_serves_as_the_application_role_on_a_postgres_that_wants_a_password()
    {
        await WithDataDirectoryAsync(async (dataDirectory, args) =>
        {
            await using var server = await NmtServer.StartAsync(args);
            using (var raw = GrpcChannel.ForAddress(server.Urls[0]))
            {
                await RestartTests.SetUpAndBookAsync(raw.WithToken(RestartTests.AdminToken(dataDirectory)));
            }

            await AssertServesAsTheApplicationRoleAsync(server, dataDirectory);
        });
    }

    [Fact]
    public async Task A_data_directory_of_the_earlier_version_that_trusted_local_users_is_upgraded_with_its_bookings()
    {
        await WithDataDirectoryAsync(async (dataDirectory, args) =>
        {
            Appointment booked;
            string token;
            await using (var server = await NmtServer.StartAsync(args))
            {
                token = RestartTests.AdminToken(dataDirectory);
                using var raw = GrpcChannel.ForAddress(server.Urls[0]);
                booked = await RestartTests.SetUpAndBookAsync(raw.WithToken(token));
            }

            await MakeItLikeTheEarlierVersionAsync(Path.Combine(dataDirectory, "postgres"));

            await using (var server = await NmtServer.StartAsync(args))
            {
                using var raw = GrpcChannel.ForAddress(server.Urls[0]);
                var bookings = new BookingService.BookingServiceClient(raw.WithToken(token));
                Assert.Equal(booked, await bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = booked.AppointmentId }));
                var client = await new ClientService.ClientServiceClient(raw.WithToken(token)).GetClientAsync(new GetClientRequest { ClientId = "restart-client" });
                Assert.Equal("C", client.FamilyName);
                await AssertServesAsTheApplicationRoleAsync(server, dataDirectory);
            }
        });
    }

    private static async Task AssertServesAsTheApplicationRoleAsync(NmtServer server, string dataDirectory)
    {
        var postgresData = Path.Combine(dataDirectory, "postgres");
        foreach (var file in PasswordFiles)
        {
            var path = Path.Combine(postgresData, file);
            Assert.True(File.Exists(path), path);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }

        var app = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        Assert.Equal("nmt_app", app.Username);
        Assert.Equal("nmt_owner", new NpgsqlConnectionStringBuilder(server.OwnerConnectionString).Username);
        await using (var conn = new NpgsqlConnection(server.ConnectionString))
        {
            await conn.OpenAsync();
            Assert.Equal("nmt_app,false", await ScalarAsync(conn, "SELECT current_user || ',' || rolsuper FROM pg_roles WHERE rolname = current_user"));
            await using var tamper = new NpgsqlCommand("ALTER TABLE audit_log DISABLE TRIGGER ALL", conn);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => tamper.ExecuteNonQueryAsync())).SqlState);
        }

        // Every session the running server holds on its database (silo membership, grain storage, reminders, ledger) is the application role's.
        var superuser = new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            Username = LocalPostgresCluster.Superuser,
            Password = File.ReadAllText(Path.Combine(postgresData, "postgres.password")).Trim(),
            Pooling = false,
        };
        await using (var conn = new NpgsqlConnection(superuser.ConnectionString))
        {
            await conn.OpenAsync();
            Assert.Equal(
                "nmt_app",
                await ScalarAsync(conn, "SELECT string_agg(DISTINCT usename::text, ',') FROM pg_stat_activity WHERE datname = 'nmt' AND backend_type = 'client backend' AND pid <> pg_backend_pid()"));
        }

        // Knowing the port is not enough: a wrong password is refused.
        var wrong = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = "guessed", Pooling = false };
        await using var guessed = new NpgsqlConnection(wrong.ConnectionString);
        Assert.Equal(PostgresErrorCodes.InvalidPassword, (await Assert.ThrowsAsync<PostgresException>(() => guessed.OpenAsync())).SqlState);
    }

    /// <summary>
    /// Turns a data directory this version wrote back into what the earlier one left: everything owned by the
    /// superuser, no nmt_owner or nmt_app, no passwords at all, pg_hba.conf trusting every local user.
    /// </summary>
    private static async Task MakeItLikeTheEarlierVersionAsync(string postgresData)
    {
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        await using (var cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = postgresData, DatabaseName = "nmt", KeepData = true },
            logger,
            CancellationToken.None))
        {
            await using (var conn = new NpgsqlConnection(cluster.ConnectionString + ";Pooling=false"))
            {
                await conn.OpenAsync();
                // One statement per transaction: REASSIGN and DROP OWNED in one trip the server over the default privileges.
                await ExecuteAsync(conn, "DROP OWNED BY nmt_app");
                await ExecuteAsync(conn, "REASSIGN OWNED BY nmt_owner TO postgres");
                await ExecuteAsync(conn, "DROP OWNED BY nmt_owner");
            }

            await using (var conn = new NpgsqlConnection(cluster.AdminConnectionString + ";Pooling=false"))
            {
                await conn.OpenAsync();
                await ExecuteAsync(conn, "DROP ROLE nmt_app; DROP ROLE nmt_owner; ALTER ROLE postgres PASSWORD NULL");
            }
        }

        await File.WriteAllTextAsync(
            Path.Combine(postgresData, "pg_hba.conf"),
            "local   all   all                  trust\nhost    all   all   127.0.0.1/32   trust\n");
        foreach (var file in PasswordFiles)
        {
            File.Delete(Path.Combine(postgresData, file));
        }
    }

    private static async Task WithDataDirectoryAsync(Func<string, string[], Task> test)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("nmt-roles-").FullName;
        try
        {
            await test(dataDirectory, ["--data-dir", dataDirectory, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        }
        finally
        {
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql)
    {
#pragma warning disable CA2100 // The test's own SQL.
        await using var command = new NpgsqlCommand(sql, conn);
#pragma warning restore CA2100
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql)
    {
#pragma warning disable CA2100 // The test's own SQL.
        await using var command = new NpgsqlCommand(sql, conn);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }
}
