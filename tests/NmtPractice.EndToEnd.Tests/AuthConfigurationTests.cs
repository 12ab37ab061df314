using Grpc.Core;
using Grpc.Net.Client;
using NmtPractice.Server;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>A server that serves the API never starts open: without keys or an authority in cluster mode it refuses, and says how to fix it.</summary>
public sealed class AuthConfigurationTests
{
    // Nothing connects before the configuration is read: migrations are off and the bad settings fail first.
    private static readonly string[] Cluster =
    [
        "--ConnectionStrings:Nmt=Host=127.0.0.1;Port=1;Database=none;Username=none",
        "--Nmt:MigrateOnStart=false", "--urls=http://127.0.0.1:0", "--Nmt:SiloPort=0", "--Nmt:GatewayPort=0",
        "--Logging:LogLevel:Default=Warning",
    ];

    [Theory]
    [InlineData("silo+gateway")]
    [InlineData("gateway")]
    public async Task Cluster_mode_without_keys_or_authority_refuses_to_start(string role)
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => NmtServer.StartAsync([.. Cluster, "--role", role]));
        Assert.Contains("Nmt:Auth:SigningKey", e.Message, StringComparison.Ordinal);
        Assert.Contains("never runs open", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Nmt:Auth:SigningKey=c2hvcnQ=", "at least 256 bits")]
    [InlineData("--Nmt:Auth:SigningKey=not base64!", "not base64")]
    [InlineData("--Nmt:Auth:SigningKeyFile=/nonexistent/nmt/key", "Cannot read the signing key file")]
    [InlineData("--Nmt:Auth:Authority=https://login.example.org/", "either signing keys or an Authority")]
    public async Task Bad_token_settings_stop_the_server_with_the_setting_named(string setting, string message)
    {
        var key = "--Nmt:Auth:SigningKey=" + Convert.ToBase64String(TestTokens.NewKey());
        string[] args = setting.Contains("Authority", StringComparison.Ordinal) ? [.. Cluster, key, setting] : [.. Cluster, setting];
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => NmtServer.StartAsync(args));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A key given as a file (a mounted secret: the way the docs, compose and Kubernetes pass it, never on a command
    /// line) is the key: tokens it signed pass, tokens of another key do not, and the embedded server creates no key
    /// of its own.
    /// </summary>
    [Fact]
    public async Task A_signing_key_file_is_read_and_its_key_validates_tokens()
    {
        var dir = Directory.CreateTempSubdirectory("nmt-keyfile-").FullName;
        try
        {
            var key = TestTokens.NewKey();
            var keyFile = Path.Combine(dir, "nmt-signing-key");
            SigningKeyFile.WritePrivate(keyFile, Convert.ToBase64String(key) + "\n");
            var dataDirectory = Path.Combine(dir, "data");
            await using var server = await NmtServer.StartAsync(
            [
                "--data-dir", dataDirectory, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning",
                "--Nmt:Auth:SigningKeyFile=" + keyFile,
            ]);
            using var raw = GrpcChannel.ForAddress(server.Urls[0]);

            var signed = new ClinicService.ClinicServiceClient(raw.WithToken(TestTokens.Admin(key)));
            Assert.NotNull(await signed.ListClinicsAsync(new ListClinicsRequest()));

            var other = new ClinicService.ClinicServiceClient(raw.WithToken(TestTokens.Admin(TestTokens.NewKey())));
            var e = await Assert.ThrowsAsync<RpcException>(() => other.ListClinicsAsync(new ListClinicsRequest()).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
            Assert.False(File.Exists(SigningKeyFile.PathIn(dataDirectory)));
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
