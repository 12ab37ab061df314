using Google.Rpc;
using Grpc.Net.Client;
using NmtPractice.Api.Security;
using NmtPractice.Server;
using NmtPractice.Testing;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// Key rotation as docs/security.md describes it: while the previous key is configured as an additional signing key,
/// tokens signed with it and with the new key both pass; once it is removed (and the gateway restarted), its tokens
/// are UNAUTHENTICATED and the new key's still pass.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KeyRotationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Tokens_of_the_previous_key_pass_while_it_is_configured_and_are_refused_once_it_is_removed()
    {
        var previous = TestTokens.NewKey();
        var current = TestTokens.NewKey();
        var database = await postgres.CreateDatabaseAsync("rotation");
        var oldToken = TestTokens.Admin(previous);
        var newToken = TestTokens.Admin(current);
        string[] Args(params string[] keys) =>
        [
            "--ConnectionStrings:Nmt=" + database, "--urls=http://127.0.0.1:0", "--Nmt:ClusterId=rot-" + Guid.NewGuid().ToString("N")[..8],
            "--Nmt:SiloPort=0", "--Nmt:GatewayPort=0", "--Logging:LogLevel:Default=Warning", .. keys,
        ];

        await using (var server = await NmtServer.StartAsync(Args(
            TestTokens.KeyArgument(current), "--Nmt:Auth:AdditionalSigningKeys:0=" + Convert.ToBase64String(previous))))
        {
            using var channel = GrpcChannel.ForAddress(server.Urls[0]);
            Assert.NotNull(await ListClinicsAsync(channel, oldToken));
            Assert.NotNull(await ListClinicsAsync(channel, newToken));
        }

        await using (var server = await NmtServer.StartAsync(Args(TestTokens.KeyArgument(current))))
        {
            using var channel = GrpcChannel.ForAddress(server.Urls[0]);
            Assert.NotNull(await ListClinicsAsync(channel, newToken));
            var e = await Assert.ThrowsAsync<RpcException>(() => ListClinicsAsync(channel, oldToken));
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
            Assert.Equal(RpcGate.TokenInvalid, e.Detail<ErrorInfo>()?.Reason);
        }
    }

    private static async Task<ListClinicsResponse> ListClinicsAsync(GrpcChannel channel, string token) =>
        await new ClinicService.ClinicServiceClient(channel.WithToken(token)).ListClinicsAsync(new ListClinicsRequest());
}
