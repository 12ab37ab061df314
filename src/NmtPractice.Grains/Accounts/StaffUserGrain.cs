using NmtPractice.Domain.Accounts;
using NmtPractice.Grains.Abstractions.Accounts;
using NmtPractice.Grains.Records;
using NmtPractice.Persistence.Accounts;

namespace NmtPractice.Grains.Accounts;

/// <summary>
/// Managing staff accounts (<see cref="IStaffUserGrain"/>): chain admins only (checked again here, whoever called), or
/// the system itself (no caller: the demo seeder). Checks the email, name, role, clinics (they must exist), therapist
/// (must exist; required for, and only for, the therapist role) and password rule; each change writes its audit row in
/// its own transaction.
/// </summary>
[StatelessWorker]
public sealed class StaffUserGrain(StaffAccountStore store, StaffPasswords passwords, AuditTrail audit, IClock clock) : Grain, IStaffUserGrain
{
    async Task<Result<StaffUserView>> IStaffUserGrain.Create(StaffUserDraft draft, string initialPassword)
    {
        const string action = "account.create";
        if (await RefuseUnlessAdmin(action, null) is { } denied)
        {
            return denied;
        }
        var refusal = Validation.First(
                StaffAccountRules.Email("email", draft.Email),
                StaffAccountRules.DisplayName("display_name", draft.DisplayName))
            ?? await CheckScopeAsync(draft)
            ?? StaffAccountRules.Password("initial_password", initialPassword, draft.Email);
        if (refusal is not null)
        {
            return refusal;
        }
        var user = Stored(Guid.CreateVersion7(), StaffAccountRules.NormalizeEmail(draft.Email), draft, disabled: false);
        var created = await store.CreateAsync(user, passwords.Hash(initialPassword), clock.GetCurrentInstant(), Entry(action, user));
        return created
            ? Ok(user)
            : new Refusal(RefusalReason.AlreadyExists, "An account with this email exists already.", "email");
    }

    async Task<Result<IReadOnlyList<StaffUserView>>> IStaffUserGrain.List(string? afterEmail, int limit)
    {
        if (await RefuseUnlessAdmin("account.list", null) is { } denied)
        {
            return denied;
        }
        var users = await store.ListAsync(afterEmail, limit);
        return Result<IReadOnlyList<StaffUserView>>.Ok(users.Select(StaffUserViews.View).ToList());
    }

    async Task<Result<StaffUserView>> IStaffUserGrain.Get(Guid userId)
    {
        if (await RefuseUnlessAdmin("account.read", userId) is { } denied)
        {
            return denied;
        }
        return await store.GetAsync(userId) is { } user ? Ok(user) : NoSuchUser();
    }

    async Task<Result<StaffUserView>> IStaffUserGrain.Update(Guid userId, StaffUserDraft draft)
    {
        const string action = "account.update";
        if (await RefuseUnlessAdmin(action, userId) is { } denied)
        {
            return denied;
        }
        if ((StaffAccountRules.DisplayName("display_name", draft.DisplayName) ?? await CheckScopeAsync(draft)) is { } refusal)
        {
            return refusal;
        }
        if (await store.GetAsync(userId) is not { } current)
        {
            return NoSuchUser();
        }
        var user = Stored(userId, current.Email, draft, current.Disabled);
        return await store.UpdateAsync(user, clock.GetCurrentInstant(), Entry(action, user)) is { } updated ? Ok(updated) : NoSuchUser();
    }

    async Task<Result<StaffUserView>> IStaffUserGrain.Disable(Guid userId)
    {
        const string action = "account.disable";
        if (await RefuseUnlessAdmin(action, userId) is { } denied)
        {
            return denied;
        }
        if (CallerContext.Current?.Subject == StaffUserViews.Subject(userId))
        {
            return Refusal.Invalid("user_id", "You cannot disable your own account; ask another chain admin.");
        }
        var entry = AuditEntries.ForCurrentCaller(action, AccountAudit.TargetKind, userId.ToString(), null, null, null, AuditOutcomes.Ok);
        return await store.DisableAsync(userId, clock.GetCurrentInstant(), entry) is { } user ? Ok(user) : NoSuchUser();
    }

    async Task<Result<StaffUserView>> IStaffUserGrain.ResetPassword(Guid userId, string newPassword)
    {
        const string action = "account.password-reset";
        if (await RefuseUnlessAdmin(action, userId) is { } denied)
        {
            return denied;
        }
        if (await store.GetAsync(userId) is not { } current)
        {
            return NoSuchUser();
        }
        if (StaffAccountRules.Password("new_password", newPassword, current.Email) is { } refusal)
        {
            return refusal;
        }
        var entry = AuditEntries.ForCurrentCaller(action, AccountAudit.TargetKind, userId.ToString(), null, null, null, AuditOutcomes.Ok);
        return await store.SetPasswordAsync(userId, passwords.Hash(newPassword), clock.GetCurrentInstant(), entry) is { } user
            ? Ok(user)
            : NoSuchUser();
    }

    private static Result<StaffUserView> Ok(StoredStaffUser user) => Result<StaffUserView>.Ok(StaffUserViews.View(user));

    private static Refusal NoSuchUser() => Refusal.NotFound("user_id", "No staff account has this id.");

    /// <summary>Chain admins and the system may manage accounts; anyone else is refused, and the attempt audited.</summary>
    private async Task<Refusal?> RefuseUnlessAdmin(string action, Guid? userId)
    {
        if (CallerContext.Current is not { } caller || caller.Role == Role.ChainAdmin)
        {
            return null;
        }
        await audit.Write(AuditEntries.ForCurrentCaller(action, AccountAudit.TargetKind, userId?.ToString(), null, null, null, AuditOutcomes.Denied));
        return new Refusal(RefusalReason.NotAllowed, "Only chain admins manage staff accounts.");
    }

    /// <summary>
    /// A chain admin has no clinic list (every clinic is theirs); a clinic manager and a front desk need at least one;
    /// every clinic named must exist; a therapist account names an existing therapist, other roles none.
    /// </summary>
    private async Task<Refusal?> CheckScopeAsync(StaffUserDraft draft)
    {
        if (!Enum.IsDefined(draft.Role))
        {
            return Refusal.Invalid("role", "role must be one of chain-admin, clinic-manager, front-desk, therapist.");
        }
        if (draft.ClinicIds.Count > 0 && draft.Role == Role.ChainAdmin)
        {
            return Refusal.Invalid("clinic_ids", "A chain admin's scope is every clinic: leave clinic_ids empty.");
        }
        if (draft.ClinicIds.Count == 0 && draft.Role is Role.ClinicManager or Role.FrontDesk)
        {
            return Refusal.Invalid("clinic_ids", $"A {draft.Role.WireName()} needs at least one clinic.");
        }
        if (draft.ClinicIds.Select(id => Validation.Id("clinic_ids", id)).FirstOrDefault(r => r is not null) is { } badId)
        {
            return badId;
        }
        if (draft.ClinicIds.Count > 0)
        {
            var known = (await GrainFactory.GetGrain<IChainGrain>(GrainKeys.Chain).ListClinics()).ToHashSet(StringComparer.Ordinal);
            if (draft.ClinicIds.FirstOrDefault(id => !known.Contains(id)) is { } unknown)
            {
                return Refusal.NotFound("clinic_ids", $"There is no clinic '{unknown}'.") with { Value = unknown };
            }
        }
        if (draft.Role == Role.Therapist)
        {
            if (Validation.Id("therapist_id", draft.TherapistId) is { } badTherapist)
            {
                return badTherapist;
            }
            if (await GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(draft.TherapistId!)).Get() is null)
            {
                return Refusal.NotFound("therapist_id", $"There is no therapist '{draft.TherapistId}'.");
            }
        }
        else if (!string.IsNullOrEmpty(draft.TherapistId))
        {
            return Refusal.Invalid("therapist_id", "Only a therapist account names a therapist.");
        }
        return null;
    }

    private static StoredStaffUser Stored(Guid id, string email, StaffUserDraft draft, bool disabled) =>
        new(id, email, draft.DisplayName.Trim(), draft.Role.WireName(), draft.ClinicIds.Distinct(StringComparer.Ordinal).ToList(),
            draft.Role == Role.Therapist ? draft.TherapistId : null, disabled);

    private static AuditEntry Entry(string action, StoredStaffUser user) =>
        AuditEntries.ForCurrentCaller(action, AccountAudit.TargetKind, user.Id.ToString(), null, null, null, AuditOutcomes.Ok,
            new { role = user.Role, clinics = user.ClinicIds, therapist = user.TherapistId });
}
