using NmtPractice.Tokens;

namespace NmtPractice.Api.Security;

/// <summary>
/// Bearer-token settings, section <c>Nmt:Auth</c>. Either symmetric keys (<see cref="SigningKey"/>,
/// <see cref="SigningKeyFile"/>, <see cref="AdditionalSigningKeys"/>: HMAC-SHA256, at least 256 bits, base64) or an
/// OpenID Connect <see cref="Authority"/> whose published keys sign the tokens. With neither, the embedded default
/// creates and reuses a key file in its data directory; cluster mode refuses to start. There is no open mode.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Nmt:Auth";

    public string Issuer { get; set; } = NmtTokens.DefaultIssuer;

    public string Audience { get; set; } = NmtTokens.DefaultAudience;

    /// <summary>The current signing key, base64.</summary>
    public string? SigningKey { get; set; }

    /// <summary>A file holding the current signing key as base64 text (for secrets mounted as files).</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Older keys still accepted while tokens signed with them expire (key rotation), base64.</summary>
    public List<string> AdditionalSigningKeys { get; set; } = [];

    /// <summary>An OpenID Connect issuer whose discovery document and keys validate the tokens (instead of keys).</summary>
    public string? Authority { get; set; }

    /// <summary>Fetch the authority's metadata over HTTPS only (keep true outside development).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Tolerated clock difference for exp and nbf.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    public bool HasKeys => !string.IsNullOrWhiteSpace(SigningKey) || !string.IsNullOrWhiteSpace(SigningKeyFile) || AdditionalSigningKeys.Count > 0;

    public bool HasAuthority => !string.IsNullOrWhiteSpace(Authority);
}
