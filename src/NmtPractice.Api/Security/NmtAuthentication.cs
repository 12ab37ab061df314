using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;
using NmtPractice.Tokens;

namespace NmtPractice.Api.Security;

/// <summary>Registers JWT bearer authentication for the gRPC API from <see cref="AuthOptions"/>.</summary>
public static class NmtAuthentication
{
    /// <summary>
    /// Validates tokens with the configured keys or authority. With neither, <paramref name="embeddedDataDirectory"/>
    /// (the embedded default's data directory) supplies a key file, created on first use; null means cluster mode, where
    /// a server without keys or authority refuses to start. Returns where the keys came from, for the start-up log.
    /// </summary>
    public static string AddNmtAuthentication(this IServiceCollection services, AuthOptions options, string? embeddedDataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.HasKeys && options.HasAuthority)
        {
            throw new InvalidOperationException("Nmt:Auth: configure either signing keys or an Authority, not both.");
        }
        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            throw new InvalidOperationException("Nmt:Auth:Issuer and Nmt:Auth:Audience must not be empty.");
        }
        if (options.ClockSkewSeconds is < 0 or > 600)
        {
            throw new InvalidOperationException("Nmt:Auth:ClockSkewSeconds must be between 0 and 600.");
        }

        string source;
        List<SecurityKey>? keys = null;
        if (options.HasAuthority)
        {
            source = $"the OpenID Connect authority {options.Authority}";
        }
        else if (options.HasKeys)
        {
            keys = ConfiguredKeys(options);
            source = $"{keys.Count} configured signing key(s)";
        }
        else if (embeddedDataDirectory is not null)
        {
            var path = SigningKeyFile.PathIn(embeddedDataDirectory);
            keys = [new SymmetricSecurityKey(SigningKeyFile.ReadOrCreate(path))];
            source = $"the embedded key file {path}";
        }
        else
        {
            throw new InvalidOperationException(
                "No token validation is configured, and a cluster-mode server never runs open: set Nmt:Auth:SigningKey " +
                "(base64, at least 256 bits; environment Nmt__Auth__SigningKey), Nmt:Auth:SigningKeyFile, or " +
                "Nmt:Auth:Authority with Nmt:Auth:Audience. See docs/security.md.");
        }

        services.AddSingleton(new AccessTokenIssuer(CurrentKey(options, keys), options.Issuer, options.Audience, TimeProvider.System));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ValidatedTokenCache>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.Events = ValidatedTokenCache.Events();
            jwt.MapInboundClaims = false;
            jwt.IncludeErrorDetails = false;
            if (options.HasAuthority)
            {
                jwt.Authority = options.Authority;
                jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
            }
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = options.HasAuthority && options.Issuer == NmtTokens.DefaultIssuer ? null : options.Issuer,
                ValidateAudience = true,
                ValidAudience = options.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds),
                NameClaimType = NmtTokens.SubjectClaim,
                RoleClaimType = NmtTokens.RoleClaim,
            };
            if (keys is not null)
            {
                jwt.TokenValidationParameters.IssuerSigningKeys = keys;
                // Only HMAC-SHA256: no "none", no algorithm confusion with other key types.
                jwt.TokenValidationParameters.ValidAlgorithms = [NmtTokens.Algorithm];
            }
        });
        return source;
    }

    /// <summary>
    /// The key staff-account logins sign with: the first of <paramref name="keys"/> (SigningKey, else SigningKeyFile,
    /// else the embedded file); none with an authority or with only additional keys, which are older ones, still accepted.
    /// </summary>
    private static byte[]? CurrentKey(AuthOptions options, List<SecurityKey>? keys)
    {
        var onlyOlderKeys = options.HasKeys && string.IsNullOrWhiteSpace(options.SigningKey) && string.IsNullOrWhiteSpace(options.SigningKeyFile);
        return onlyOlderKeys ? null : (keys?.FirstOrDefault() as SymmetricSecurityKey)?.Key;
    }

    private static List<SecurityKey> ConfiguredKeys(AuthOptions options)
    {
        var keys = new List<SecurityKey>();
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            keys.Add(new SymmetricSecurityKey(SigningKeyFile.Decode(options.SigningKey, "Nmt:Auth:SigningKey")));
        }
        if (!string.IsNullOrWhiteSpace(options.SigningKeyFile))
        {
            keys.Add(new SymmetricSecurityKey(SigningKeyFile.Read(options.SigningKeyFile)));
        }
        for (var i = 0; i < options.AdditionalSigningKeys.Count; i++)
        {
            keys.Add(new SymmetricSecurityKey(SigningKeyFile.Decode(options.AdditionalSigningKeys[i], $"Nmt:Auth:AdditionalSigningKeys:{i}")));
        }
        return keys;
    }
}
