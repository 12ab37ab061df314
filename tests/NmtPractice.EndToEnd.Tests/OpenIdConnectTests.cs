using System.Security.Cryptography;
using Google.Rpc;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using NmtPractice.Api.Security;
using NmtPractice.Server;
using NmtPractice.Testing;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The gateway configured with an OpenID Connect authority (Nmt:Auth:Authority): a local issuer on 127.0.0.1 serves
/// its discovery document and JWKS (one RSA key); tokens it signs with the right issuer and audience pass, and a
/// wrong issuer, a wrong audience, an expired token and a key the JWKS does not publish are UNAUTHENTICATED.
/// RequireHttpsMetadata is off only because the issuer is on loopback in this test.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OpenIdConnectTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Tokens_of_the_authority_pass_and_wrong_issuer_audience_expiry_or_key_are_unauthenticated()
    {
        using var rsa = RSA.Create(2048);
        var published = new RsaSecurityKey(rsa) { KeyId = "k1" };
        using var otherRsa = RSA.Create(2048);
        var unpublished = new RsaSecurityKey(otherRsa) { KeyId = "k2" };
        var metadataFetches = 0;
        string issuer = "";
        await using var idp = await LoopbackHttp.StartAsync(app =>
        {
            app.MapGet("/.well-known/openid-configuration", () =>
            {
                Interlocked.Increment(ref metadataFetches);
                return Results.Json(new Dictionary<string, object>
                {
                    ["issuer"] = issuer,
                    ["jwks_uri"] = issuer + "/jwks",
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                    ["response_types_supported"] = new[] { "code" },
                    ["subject_types_supported"] = new[] { "public" },
                });
            });
            app.MapGet("/jwks", () =>
            {
                var p = rsa.ExportParameters(includePrivateParameters: false);
                return Results.Json(new
                {
                    keys = new[]
                    {
                        new { kty = "RSA", use = "sig", alg = "RS256", kid = "k1", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) },
                    },
                });
            });
        });
        issuer = idp.Url;
        // What the gateway will read: the discovery document and its key, as the OpenID Connect client library parses them.
        var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(
            issuer + "/.well-known/openid-configuration", new HttpDocumentRetriever { RequireHttps = false }, CancellationToken.None);
        Assert.Equal(issuer, configuration.Issuer);
        Assert.Equal("k1", Assert.Single(configuration.SigningKeys).KeyId);

        await using var server = await NmtServer.StartAsync(
        [
            "--ConnectionStrings:Nmt=" + await postgres.CreateDatabaseAsync("oidc"), "--urls=http://127.0.0.1:0",
            "--Nmt:ClusterId=oidc-" + Guid.NewGuid().ToString("N")[..8], "--Nmt:SiloPort=0", "--Nmt:GatewayPort=0",
            "--Logging:LogLevel:Default=Warning",
            "--Nmt:Auth:Authority=" + issuer, "--Nmt:Auth:RequireHttpsMetadata=false",
        ]);
        using var channel = GrpcChannel.ForAddress(server.Urls[0]);
        var now = DateTime.UtcNow;

        Assert.NotNull(await ListClinicsAsync(channel, Token(published, issuer, NmtTokens.DefaultAudience, now)));
        Assert.True(metadataFetches >= 1);

        foreach (var (name, token, reason) in new[]
        {
            ("wrong issuer", Token(published, "http://127.0.0.1:1/other", NmtTokens.DefaultAudience, now), RpcGate.TokenInvalid),
            ("wrong audience", Token(published, issuer, "someone-else", now), RpcGate.TokenInvalid),
            ("expired", Token(published, issuer, NmtTokens.DefaultAudience, now.AddHours(-3)), RpcGate.TokenExpired),
            ("unknown kid", Token(unpublished, issuer, NmtTokens.DefaultAudience, now), RpcGate.TokenInvalid),
        })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => ListClinicsAsync(channel, token));
            Assert.True(e.StatusCode == StatusCode.Unauthenticated, $"{name}: {e.StatusCode}");
            Assert.True(reason == e.Detail<ErrorInfo>()?.Reason, $"{name}: {e.Detail<ErrorInfo>()?.Reason}");
        }

        // A good token still passes after the refusals (the unknown kid made the gateway re-read the JWKS, nothing more).
        Assert.NotNull(await ListClinicsAsync(channel, Token(published, issuer, NmtTokens.DefaultAudience, DateTime.UtcNow)));
    }

    /// <summary>A chain-admin token valid for an hour from <paramref name="from"/>, signed RS256 with <paramref name="key"/>.</summary>
    private static string Token(RsaSecurityKey key, string issuer, string audience, DateTime from) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { [NmtTokens.SubjectClaim] = "oidc-admin", [NmtTokens.RoleClaim] = NmtRoles.ChainAdmin },
            IssuedAt = from.AddMinutes(-1),
            NotBefore = from.AddMinutes(-1),
            Expires = from.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

    private static async Task<ListClinicsResponse> ListClinicsAsync(GrpcChannel channel, string token) =>
        await new ClinicService.ClinicServiceClient(channel.WithToken(token)).ListClinicsAsync(new ListClinicsRequest());
}
