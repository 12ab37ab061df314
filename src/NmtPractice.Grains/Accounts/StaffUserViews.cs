using NmtPractice.Grains.Abstractions.Accounts;
using NmtPractice.Persistence.Accounts;

namespace NmtPractice.Grains.Accounts;

public static class StaffUserViews
{
    /// <summary>The token subject (and audit actor) of an account: its id, which never changes and names no person.</summary>
    public static string Subject(Guid userId) => userId.ToString("D");

    public static StaffUserView View(StoredStaffUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Id, user.Email, user.DisplayName, RoleNames.Parse(user.Role) ?? throw new InvalidOperationException($"Stored role '{user.Role}' is unknown."),
            user.ClinicIds, user.TherapistId, user.Disabled);
    }
}
