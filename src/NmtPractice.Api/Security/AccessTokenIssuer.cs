using NmtPractice.Grains.Abstractions.Accounts;
using NmtPractice.Tokens;

namespace NmtPractice.Api.Security;

/// <summary>
/// Mints the access tokens of staff-account logins: the same JWTs the gateway validates, signed with the server's
/// current signing key (the configured <c>Nmt:Auth:SigningKey</c>/<c>SigningKeyFile</c>, or the embedded key file).
/// With an OpenID Connect authority the server holds no key, and accounts cannot log in here (the authority signs
/// people in). The token's subject is the account's id; times are the real clock's, as the validator's are.
/// </summary>
public sealed class AccessTokenIssuer(byte[]? signingKey, string issuer, string audience, TimeProvider time)
{
    public bool CanMint => signingKey is not null;

    public (string Token, DateTimeOffset ExpiresAt) Mint(StaffUserView user, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (signingKey is null)
        {
            throw new InvalidOperationException("This server has no signing key to mint tokens with.");
        }
        var now = time.GetUtcNow();
        var who = new TokenSubject(user.UserId.ToString("D"), user.Role.WireName(), user.ClinicIds, user.TherapistId);
        return (TokenMinter.Mint(signingKey, who, now, lifetime, issuer, audience), now + lifetime);
    }
}
