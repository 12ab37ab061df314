namespace NmtPractice.Grains.Abstractions.Accounts;

/// <summary>
/// Managing staff accounts, for chain admins (the caller in <see cref="CallerContext"/>; none means the system, e.g.
/// the demo seeder). Every change is audited in its own transaction. Stateless; key 0.
/// </summary>
[Alias("nmt.IStaffUserGrain")]
public interface IStaffUserGrain : IGrainWithIntegerKey
{
    [Alias("Create")] Task<Result<StaffUserView>> Create(StaffUserDraft draft, string initialPassword);

    /// <summary>Up to <paramref name="limit"/> accounts in email order, after <paramref name="afterEmail"/> when given.</summary>
    [ReadOnly, Alias("List")] Task<Result<IReadOnlyList<StaffUserView>>> List(string? afterEmail, int limit);

    [ReadOnly, Alias("Get")] Task<Result<StaffUserView>> Get(Guid userId);

    /// <summary>Replaces display name, role, clinics and therapist id (the draft's email is ignored).</summary>
    [Alias("Update")] Task<Result<StaffUserView>> Update(Guid userId, StaffUserDraft draft);

    [Alias("Disable")] Task<Result<StaffUserView>> Disable(Guid userId);

    [Alias("ResetPassword")] Task<Result<StaffUserView>> ResetPassword(Guid userId, string newPassword);
}
