using System.Security.Claims;
using NmtPractice.Tokens;

namespace NmtPractice.Api.Security;

/// <summary>Turns a validated token's claims into the <see cref="Caller"/> that travels with grain calls.</summary>
public static class Callers
{
    /// <summary>The wire name of a role (the token's <c>role</c> claim): <see cref="RoleNames.WireName"/>.</summary>
    public static string WireName(Role role) => role.WireName();

    public static Role? ParseRole(string? wire) => RoleNames.Parse(wire);

    /// <summary>
    /// The caller, or why the claims do not make one: no subject, not exactly one known role, or a therapist without
    /// therapist_id. Clinic claims are ignored for chain-admin; therapist_id is ignored for the other roles.
    /// </summary>
    public static (Caller? Caller, string? Problem) FromClaims(ClaimsPrincipal principal, string? source)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var subject = principal.FindFirst(NmtTokens.SubjectClaim)?.Value;
        if (string.IsNullOrWhiteSpace(subject))
        {
            return (null, "the token has no subject (sub)");
        }
        var roles = principal.FindAll(NmtTokens.RoleClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Count != 1 || ParseRole(roles[0]) is not { } role)
        {
            return (null, $"the token must carry exactly one role of {string.Join(", ", NmtRoles.All)}");
        }
        string? therapistId = null;
        if (role == Role.Therapist)
        {
            therapistId = principal.FindFirst(NmtTokens.TherapistClaim)?.Value;
            if (string.IsNullOrWhiteSpace(therapistId))
            {
                return (null, "a therapist token needs therapist_id");
            }
        }
        IReadOnlyList<string> clinics = role == Role.ChainAdmin
            ? []
            : principal.FindAll(NmtTokens.ClinicClaim).Select(c => c.Value).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return (new Caller(subject, role, clinics, therapistId, source), null);
    }
}
