using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace NmtPractice.Tokens;

/// <summary>Mints HMAC-SHA256 signed tokens in the shape the server accepts (see <see cref="NmtTokens"/>).</summary>
public static class TokenMinter
{
    /// <summary>
    /// A token valid over [<paramref name="notBefore"/>, <paramref name="notBefore"/> + <paramref name="lifetime"/>).
    /// Refuses (ArgumentException) an unknown role, a therapist without a therapist id, an empty subject, a key shorter
    /// than 256 bits, or a lifetime that is not positive.
    /// </summary>
    public static string Mint(
        byte[] key,
        TokenSubject who,
        DateTimeOffset notBefore,
        TimeSpan lifetime,
        string issuer = NmtTokens.DefaultIssuer,
        string audience = NmtTokens.DefaultAudience)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(who);
        if (key.Length < NmtTokens.MinKeyBytes)
        {
            throw new ArgumentException($"The signing key must be at least {NmtTokens.MinKeyBytes * 8} bits.", nameof(key));
        }
        if (string.IsNullOrWhiteSpace(who.Subject))
        {
            throw new ArgumentException("The subject is empty.", nameof(who));
        }
        if (!NmtRoles.IsKnown(who.Role))
        {
            throw new ArgumentException($"Unknown role '{who.Role}': use one of {string.Join(", ", NmtRoles.All)}.", nameof(who));
        }
        if (who.Role == NmtRoles.Therapist && string.IsNullOrWhiteSpace(who.TherapistId))
        {
            throw new ArgumentException("A therapist token needs the therapist's id.", nameof(who));
        }
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("The lifetime must be positive.", nameof(lifetime));
        }
        var claims = new Dictionary<string, object>
        {
            [NmtTokens.SubjectClaim] = who.Subject,
            [NmtTokens.RoleClaim] = who.Role,
        };
        if (who.ClinicIds.Count > 0)
        {
            claims[NmtTokens.ClinicClaim] = who.ClinicIds.ToArray();
        }
        if (!string.IsNullOrWhiteSpace(who.TherapistId))
        {
            claims[NmtTokens.TherapistClaim] = who.TherapistId;
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = notBefore.UtcDateTime,
            NotBefore = notBefore.UtcDateTime,
            Expires = (notBefore + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), NmtTokens.Algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
