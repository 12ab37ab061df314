using System.Globalization;
using System.Security.Claims;
using Google.Rpc;
using Microsoft.Extensions.DependencyInjection;
using NmtPractice.Api.Security;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The gateway remembers tokens it validated (so a client that sends the same token on every call pays for the
/// signature and claim checks once), but never longer than the token's own expiry or <see cref="ValidatedTokenCache.MaxAge"/>,
/// never more than <see cref="ValidatedTokenCache.Capacity"/> of them, and never a token that failed.
/// </summary>
public sealed class ValidatedTokenCacheTests
{
    [Fact]
    public void A_token_is_remembered_until_its_expiry_and_no_longer()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-29T10:00:00Z", CultureInfo.InvariantCulture));
        var cache = new ValidatedTokenCache(time);
        cache.Add("token-a", Expiring(time.GetUtcNow().AddMinutes(2)));

        Assert.True(cache.TryGet("token-a", out var principal));
        Assert.Equal("admin", principal!.FindFirst(NmtTokens.SubjectClaim)?.Value);
        Assert.False(cache.TryGet("token-b", out _));

        time.Now = time.Now.AddMinutes(2);
        Assert.False(cache.TryGet("token-a", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_long_lived_token_is_validated_again_after_the_maximum_age()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-29T10:00:00Z", CultureInfo.InvariantCulture));
        var cache = new ValidatedTokenCache(time);
        cache.Add("token", Expiring(time.GetUtcNow().AddHours(12)));

        time.Now = time.Now + ValidatedTokenCache.MaxAge - TimeSpan.FromSeconds(1);
        Assert.True(cache.TryGet("token", out _));
        time.Now = time.Now.AddSeconds(1);
        Assert.False(cache.TryGet("token", out _));
    }

    [Fact]
    public void Tokens_without_an_expiry_or_already_expired_are_not_remembered_and_the_size_stays_bounded()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-29T10:00:00Z", CultureInfo.InvariantCulture));
        var cache = new ValidatedTokenCache(time);
        cache.Add("no-exp", new ClaimsPrincipal(new ClaimsIdentity([new Claim(NmtTokens.SubjectClaim, "admin")], "test")));
        cache.Add("expired", Expiring(time.GetUtcNow().AddSeconds(-1)));
        Assert.Equal(0, cache.Count);

        var principal = Expiring(time.GetUtcNow().AddHours(1));
        for (var i = 0; i <= ValidatedTokenCache.Capacity; i++)
        {
            cache.Add("token-" + i, principal);
        }
        Assert.InRange(cache.Count, 1, ValidatedTokenCache.Capacity);
        Assert.True(cache.TryGet("token-" + ValidatedTokenCache.Capacity, out _));
    }

    private static ClaimsPrincipal Expiring(DateTimeOffset exp) =>
        new(new ClaimsIdentity(
            [new Claim(NmtTokens.SubjectClaim, "admin"), new Claim("exp", exp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))], "test"));

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

/// <summary>The same cache inside the real gateway's bearer handler: a good token is remembered after its first call; a tampered copy is still refused.</summary>
[Collection(ApiCollection.Name)]
public sealed class GatewayTokenCacheTests(ApiServerFixture api)
{
    [Fact]
    public async Task A_token_is_validated_once_and_a_tampered_copy_is_still_refused()
    {
        var token = TestTokens.Mint(api.SigningKey, NmtRoles.FrontDesk, ["c1"], subject: "cache-test");
        var cache = api.Server.Services.GetRequiredService<ValidatedTokenCache>();
        Assert.False(cache.TryGet(token, out _));

        await new ClinicService.ClinicServiceClient(api.InvokerFor(token)).ListClinicsAsync(new ListClinicsRequest());
        Assert.True(cache.TryGet(token, out var principal));
        Assert.Equal("cache-test", principal!.FindFirst(NmtTokens.SubjectClaim)?.Value);
        await new ClinicService.ClinicServiceClient(api.InvokerFor(token)).ListClinicsAsync(new ListClinicsRequest());

        // Same header and payload, another signature: not the remembered string, so the handler refuses it.
        var tampered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            new ClinicService.ClinicServiceClient(api.InvokerFor(tampered)).ListClinicsAsync(new ListClinicsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal(RpcGate.TokenInvalid, e.Detail<ErrorInfo>()?.Reason);
        Assert.False(cache.TryGet(tampered, out _));
    }
}
