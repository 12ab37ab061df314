using System.Text.Json;
using NmtPractice.Grains.Abstractions.Accounts;
using NmtPractice.Persistence.Accounts;

namespace NmtPractice.Grains.Accounts;

/// <summary>
/// Audit rows of logins, refreshes and logouts, where there is no caller yet: the actor is the account (its subject,
/// the user id, and role), or "anonymous" when the attempt names no account. Never the password, and never the email
/// typed for an unknown account (it may well be a password typed into the wrong field).
/// </summary>
public static class AccountAudit
{
    public const string TargetKind = "staff_user";
    public const string Anonymous = "anonymous";

    public static AuditEntry Of(StoredStaffUser? user, string action, string? source, string outcome, object? detail = null) =>
        new(
            user is null ? Anonymous : StaffUserViews.Subject(user.Id),
            user is null ? Anonymous : user.Role,
            null,
            action,
            TargetKind,
            user?.Id.ToString(),
            null,
            null,
            source,
            outcome,
            detail is null ? null : JsonSerializer.Serialize(detail));
}
