using NmtPractice.Tokens;

namespace NmtPractice.Grains.Abstractions.Security;

/// <summary>
/// The one map between <see cref="Role"/> and the role's wire name (<see cref="NmtRoles"/>: the token's <c>role</c>
/// claim, the audit trail's role column).
/// </summary>
public static class RoleNames
{
    public static string WireName(this Role role) => role switch
    {
        Role.ChainAdmin => NmtRoles.ChainAdmin,
        Role.ClinicManager => NmtRoles.ClinicManager,
        Role.FrontDesk => NmtRoles.FrontDesk,
        Role.Therapist => NmtRoles.Therapist,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>The role a wire name stands for; null for anything else.</summary>
    public static Role? Parse(string? wire) => wire switch
    {
        NmtRoles.ChainAdmin => Role.ChainAdmin,
        NmtRoles.ClinicManager => Role.ClinicManager,
        NmtRoles.FrontDesk => Role.FrontDesk,
        NmtRoles.Therapist => Role.Therapist,
        _ => null,
    };
}
