using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace NmtPractice.Api.Security;

/// <summary>
/// Remembers the principals of bearer tokens that passed full validation, keyed by the exact token string, so a client
/// that sends the same token on every call pays for the signature, lifetime and issuer checks once (the bearer handler
/// runs for every request: in the authentication middleware and again at the gate). An entry is used only until the
/// token's own <c>exp</c> (without the clock skew the handler allows: later requests go through the handler again
/// and get its answer) and at most <see cref="MaxAge"/> after it was validated, so that keys an OpenID Connect
/// authority withdraws stop counting within that time; signing keys from configuration change only with a restart,
/// which empties the cache. Refused tokens are never remembered. At most <see cref="Capacity"/> entries: when full,
/// expired entries go first, and if none has expired the cache starts over.
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider time)
{
    public const int Capacity = 10_000;

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset UsableUntil);

    public int Count => _entries.Count;

    /// <summary>The principal of <paramref name="token"/> if it was validated and may still be used now.</summary>
    public bool TryGet(string token, out ClaimsPrincipal? principal)
    {
        if (_entries.TryGetValue(token, out var entry))
        {
            if (time.GetUtcNow() < entry.UsableUntil)
            {
                principal = entry.Principal;
                return true;
            }
            _entries.TryRemove(new KeyValuePair<string, Entry>(token, entry));
        }
        principal = null;
        return false;
    }

    /// <summary>Remembers a token that just passed validation; its <c>exp</c> claim bounds how long.</summary>
    public void Add(string token, ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (!long.TryParse(principal.FindFirst(Microsoft.IdentityModel.JsonWebTokens.JwtRegisteredClaimNames.Exp)?.Value,
                NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp))
        {
            return;
        }
        var now = time.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds(exp);
        var until = expires < now + MaxAge ? expires : now + MaxAge;
        if (until <= now)
        {
            return;
        }
        if (_entries.Count >= Capacity)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.UsableUntil <= now)
                {
                    _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                }
            }
            if (_entries.Count >= Capacity)
            {
                _entries.Clear();
            }
        }
        _entries[token] = new Entry(principal, until);
    }

    /// <summary>
    /// Bearer events that answer a remembered token without validating it again and remember each newly validated one.
    /// The token is read as the handler reads it (one <c>authorization: Bearer</c> header); anything else is left to the handler.
    /// </summary>
    public static JwtBearerEvents Events() => new()
    {
        OnMessageReceived = context =>
        {
            if (BearerToken(context.HttpContext) is { } token
                && context.HttpContext.RequestServices.GetRequiredService<ValidatedTokenCache>().TryGet(token, out var principal))
            {
                context.Principal = principal;
                context.Success();
            }
            return Task.CompletedTask;
        },
        OnTokenValidated = context =>
        {
            if (BearerToken(context.HttpContext) is { } token && context.Principal is { } principal)
            {
                context.HttpContext.RequestServices.GetRequiredService<ValidatedTokenCache>().Add(token, principal);
            }
            return Task.CompletedTask;
        },
    };

    private static string? BearerToken(HttpContext http)
    {
        var headers = http.Request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } header || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var token = header["Bearer ".Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
