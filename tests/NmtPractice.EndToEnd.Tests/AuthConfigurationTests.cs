using NmtPractice.Server;

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
}
