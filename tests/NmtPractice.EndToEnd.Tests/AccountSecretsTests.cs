using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NmtPractice.Server;
using NmtPractice.Testing;
using NmtPractice.Tokens;
using Npgsql;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The demo accounts and the secrets of staff accounts, on a server of its own whose every log line (all levels, the
/// database driver's included) is captured: the demo creates one account per role and prints the credentials once;
/// a second run creates, prints and changes nothing; then logins, failures, refreshes and resets, and no captured log
/// line, response or audit row holds a password, a password hash or a refresh token.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class AccountSecretsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Demo_accounts_are_printed_once_and_no_password_hash_or_refresh_token_reaches_a_log_line()
    {
        var logs = new CapturedLogs();
        var key = TestTokens.NewKey();
        var database = await postgres.CreateDatabaseAsync("accounts");
        await using var server = await NmtServer.StartAsync(
            [
                "--ConnectionStrings:Nmt=" + database, "--urls=http://127.0.0.1:0", "--Nmt:ClusterId=acc-" + Guid.NewGuid().ToString("N")[..8],
                "--Nmt:SiloPort=0", "--Nmt:GatewayPort=0", "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Orleans=Information",
                TestTokens.KeyArgument(key),
            ],
            services => services.AddSingleton<ILoggerProvider>(logs));
        using var channel = GrpcChannel.ForAddress(server.Urls[0]);
        var accounts = new AccountService.AccountServiceClient(channel.WithToken(null));

        var first = new StringWriter();
        await DemoSeeder.SeedAsync(server.Services, output: first);
        var printed = CredentialLine().Matches(first.ToString()).Select(m => (Role: m.Groups[1].Value, Email: m.Groups[2].Value, Password: m.Groups[3].Value)).ToList();
        Assert.Equal(NmtRoles.All.Order(), printed.Select(p => p.Role).Order());

        var second = new StringWriter();
        Assert.Equal(0, await DemoSeeder.SeedUsersAsync(server.Services, second));
        Assert.Equal("", second.ToString());

        var secrets = new List<string>();
        foreach (var (role, email, password) in printed)
        {
            secrets.Add(password);
            var pair = await accounts.LoginAsync(new LoginRequest { Email = email, Password = password });
            Assert.Equal(role, pair.User.Role);
            var next = await accounts.RefreshAsync(new RefreshRequest { RefreshToken = pair.RefreshToken });
            secrets.Add(pair.RefreshToken);
            secrets.Add(next.RefreshToken);
            await Assert.ThrowsAsync<RpcException>(() => accounts.LoginAsync(new LoginRequest { Email = email, Password = password + "-wrong" }).ResponseAsync);
            await Assert.ThrowsAsync<RpcException>(() => accounts.RefreshAsync(new RefreshRequest { RefreshToken = pair.RefreshToken }).ResponseAsync);
            Assert.DoesNotContain(password, pair.ToString(), StringComparison.Ordinal);
        }
        var therapist = printed.Single(p => p.Role == NmtRoles.Therapist);
        var admin = await accounts.LoginAsync(new LoginRequest { Email = printed.Single(p => p.Role == NmtRoles.ChainAdmin).Email, Password = printed.Single(p => p.Role == NmtRoles.ChainAdmin).Password });
        var users = new StaffUserService.StaffUserServiceClient(channel.WithToken(admin.AccessToken));
        Assert.Equal("amelia-hughes", (await users.ListUsersAsync(new ListUsersRequest())).Users.Single(u => u.Email == therapist.Email).TherapistId);
        const string reset = "a reset passphrase, logged nowhere";
        secrets.Add(reset);
        var resetUser = await users.ResetPasswordAsync(new ResetPasswordRequest { UserId = (await users.ListUsersAsync(new ListUsersRequest())).Users.Single(u => u.Email == therapist.Email).UserId, NewPassword = reset });
        await accounts.LoginAsync(new LoginRequest { Email = therapist.Email, Password = reset });
        var refused = await Assert.ThrowsAsync<RpcException>(() => users.CreateUserAsync(new CreateUserRequest
        {
            Email = "short@example.com", DisplayName = "Short", Role = NmtRoles.ChainAdmin, InitialPassword = "tiny-secret",
        }).ResponseAsync);
        Assert.DoesNotContain("tiny-secret", refused.Status.Detail, StringComparison.Ordinal);
        secrets.Add("tiny-secret");

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT password_hash FROM staff_users", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                secrets.Add(reader.GetString(0));
            }
        }
        Assert.True(secrets.Count >= 4 * 3 + 4 + 2, $"only {secrets.Count} secrets collected");
        // The audit trail holds none either.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT coalesce(string_agg(audit_log::text, E'\\n'), '') FROM audit_log", connection);
            var audit = (string)(await command.ExecuteScalarAsync())!;
            Assert.Contains("account.login", audit, StringComparison.Ordinal);
            Assert.All(secrets, s => Assert.DoesNotContain(s, audit, StringComparison.Ordinal));
        }

        var lines = logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("Demo staff accounts: 4 created", StringComparison.Ordinal));
        Assert.True(lines.Count > 100, $"only {lines.Count} log lines captured: is the capture working?");
        var leaks = lines.Where(l => secrets.Any(s => l.Contains(s, StringComparison.Ordinal))).ToList();
        Assert.True(leaks.Count == 0, "Secrets in log lines:\n" + string.Join("\n", leaks.Take(5)));
        Assert.Equal(NmtRoles.Therapist, resetUser.Role);
    }

    [GeneratedRegex(@"^\s+(\S+)\s+(\S+@\S+)\s+(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex CredentialLine();

    /// <summary>Every log line of every category and level, formatted with its exception.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {state} {exception}");
        }
    }
}
