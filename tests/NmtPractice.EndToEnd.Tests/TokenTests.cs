using System.Security.Cryptography;
using System.Text;
using Google.Rpc;
using Grpc.Health.V1;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NmtPractice.Api.Security;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// Tokens the gateway refuses: each gets UNAUTHENTICATED with a stable ErrorInfo reason, whatever the RPC; health and
/// reflection stay open without one.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TokenTests(ApiServerFixture api)
{
    public static TheoryData<string> BadTokens { get; } =
    [
        "none", "garbage", "expired", "not-yet-valid", "alg-none", "wrong-key", "rs256", "wrong-audience", "wrong-issuer",
        "unknown-role", "two-roles", "therapist-without-id", "no-subject", "no-expiry", "basic-scheme",
    ];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_unauthenticated(string kind)
    {
        var (token, header, reason) = Bad(kind);
        var invoker = header is null ? api.InvokerFor(token) : api.Channel.CreateCallInvoker();
        var options = header is null ? new CallOptions() : new CallOptions(new Metadata { { "authorization", header } });
        var e = await Assert.ThrowsAsync<RpcException>(() => new ClinicService.ClinicServiceClient(invoker).ListClinicsAsync(new ListClinicsRequest(), options).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal(reason, e.Detail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task A_token_within_the_clock_skew_is_accepted_and_a_good_token_of_each_role_passes()
    {
        var slightlyEarly = TokenMinter.Mint(api.SigningKey, new TokenSubject("early", NmtRoles.FrontDesk, ["x"]), DateTimeOffset.UtcNow.AddSeconds(10), TimeSpan.FromHours(1));
        await new ClinicService.ClinicServiceClient(api.InvokerFor(slightlyEarly)).ListClinicsAsync(new ListClinicsRequest());
        foreach (var role in NmtRoles.All)
        {
            var token = TestTokens.Mint(api.SigningKey, role, ["x"], role == NmtRoles.Therapist ? "t" : null);
            await new ClinicService.ClinicServiceClient(api.InvokerFor(token)).ListClinicsAsync(new ListClinicsRequest());
        }
    }

    [Fact]
    public async Task Health_needs_no_token()
    {
        var response = await new Health.HealthClient(api.InvokerFor(null)).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    private (string? Token, string? Header, string Reason) Bad(string kind)
    {
        var key = api.SigningKey;
        var now = DateTimeOffset.UtcNow;
        var admin = new TokenSubject("x", NmtRoles.ChainAdmin, []);
        return kind switch
        {
            "none" => (null, null, RpcGate.TokenMissing),
            "garbage" => ("not-a-token", null, RpcGate.TokenInvalid),
            "expired" => (TokenMinter.Mint(key, admin, now.AddHours(-3), TimeSpan.FromHours(1)), null, RpcGate.TokenExpired),
            "not-yet-valid" => (TokenMinter.Mint(key, admin, now.AddHours(1), TimeSpan.FromHours(1)), null, RpcGate.TokenNotYetValid),
            "alg-none" => (Unsigned(), null, RpcGate.TokenInvalid),
            "wrong-key" => (TokenMinter.Mint(TestTokens.NewKey(), admin, now, TimeSpan.FromHours(1)), null, RpcGate.TokenInvalid),
            "rs256" => (Raw(Claims(NmtRoles.ChainAdmin), new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)), SecurityAlgorithms.RsaSha256)), null, RpcGate.TokenInvalid),
            "wrong-audience" => (TokenMinter.Mint(key, admin, now, TimeSpan.FromHours(1), audience: "someone-else"), null, RpcGate.TokenInvalid),
            "wrong-issuer" => (TokenMinter.Mint(key, admin, now, TimeSpan.FromHours(1), issuer: "someone-else"), null, RpcGate.TokenInvalid),
            "unknown-role" => (Raw(Claims("superuser")), null, RpcGate.ClaimsInvalid),
            "two-roles" => (Raw(Claims(new[] { NmtRoles.FrontDesk, NmtRoles.ChainAdmin })), null, RpcGate.ClaimsInvalid),
            "therapist-without-id" => (Raw(Claims(NmtRoles.Therapist)), null, RpcGate.ClaimsInvalid),
            "no-subject" => (Raw(new Dictionary<string, object> { [NmtTokens.RoleClaim] = NmtRoles.ChainAdmin }), null, RpcGate.ClaimsInvalid),
            "no-expiry" => (Raw(Claims(NmtRoles.ChainAdmin), expires: false), null, RpcGate.TokenInvalid),
            "basic-scheme" => (null, "Basic dXNlcjpwYXNz", RpcGate.TokenMissing),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static Dictionary<string, object> Claims(object role) => new() { [NmtTokens.SubjectClaim] = "x", [NmtTokens.RoleClaim] = role };

    /// <summary>A token with exactly these claims, signed with the server's key (or <paramref name="credentials"/>).</summary>
    private string Raw(Dictionary<string, object> claims, SigningCredentials? credentials = null, bool expires = true)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = NmtTokens.DefaultIssuer,
            Audience = NmtTokens.DefaultAudience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = expires ? now.AddHours(1) : null,
            SigningCredentials = credentials ?? new SigningCredentials(new SymmetricSecurityKey(api.SigningKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An "alg": "none" token with chain-admin claims and no signature.</summary>
    private static string Unsigned()
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return Part("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." +
            Part($"{{\"sub\":\"x\",\"role\":\"chain-admin\",\"iss\":\"{NmtTokens.DefaultIssuer}\",\"aud\":\"{NmtTokens.DefaultAudience}\",\"exp\":{exp}}}") + ".";
    }
}
