namespace NmtPractice.Tokens;

/// <summary>
/// The bearer token's shape, shared by the server (which validates it) and the nmt CLI (which mints it with the embedded
/// server's key): a signed JWT with <c>sub</c>, <c>role</c>, <c>clinic</c> (one claim per clinic, or a JSON array),
/// <c>therapist_id</c>, and the registered <c>iss</c>, <c>aud</c>, <c>exp</c>, <c>nbf</c>, <c>iat</c>.
/// </summary>
public static class NmtTokens
{
    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";
    public const string ClinicClaim = "clinic";
    public const string TherapistClaim = "therapist_id";

    /// <summary>Issuer and audience when none are configured.</summary>
    public const string DefaultIssuer = "nmt-practice";
    public const string DefaultAudience = "nmt-practice";

    /// <summary>The embedded default's key file, in the server's data directory.</summary>
    public const string KeyFileName = "jwt-signing.key";

    /// <summary>HMAC-SHA256 keys are at least this long (256 bits).</summary>
    public const int MinKeyBytes = 32;

    /// <summary>The one algorithm the embedded default signs and accepts.</summary>
    public const string Algorithm = Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256;
}
