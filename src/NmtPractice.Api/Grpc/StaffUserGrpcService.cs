using NmtPractice.Domain.Accounts;
using NmtPractice.Grains.Abstractions.Accounts;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// Staff-account management for chain admins (the gate and the grain both check): validates and maps, then calls the
/// staff-user grain. Passwords go to the grain only, to be hashed; no answer carries one.
/// </summary>
public sealed class StaffUserGrpcService(IGrainFactory grains) : StaffUserService.StaffUserServiceBase
{
    private IStaffUserGrain Users => grains.GetGrain<IStaffUserGrain>(0);

    public override async Task<StaffUser> CreateUser(CreateUserRequest request, ServerCallContext context)
    {
        if (StaffAccountRules.Email("email", request.Email) is { } badEmail)
        {
            ApiErrors.ThrowRefused(badEmail);
        }
        var draft = Draft(request.Email, request.DisplayName, request.Role, request.ClinicIds, request.TherapistId);
        if (StaffAccountRules.Password("initial_password", request.InitialPassword, request.Email) is { } badPassword)
        {
            ApiErrors.ThrowRefused(badPassword);
        }
        return AccountMapping.ToWire((await Users.Create(draft, request.InitialPassword)).OrThrow());
    }

    public override async Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var after = Paging.KeyAfter(request.PageToken);
        var users = (await Users.List(after, pageSize + 1)).OrThrow();
        var page = users.Take(pageSize).ToList();
        var response = new ListUsersResponse { NextPageToken = users.Count > pageSize ? Paging.KeyToken(page[^1].Email) : "" };
        response.Users.AddRange(page.Select(AccountMapping.ToWire));
        return response;
    }

    public override async Task<StaffUser> GetUser(GetUserRequest request, ServerCallContext context) =>
        AccountMapping.ToWire((await Users.Get(AccountMapping.UserId(request.UserId))).OrThrow());

    public override async Task<StaffUser> UpdateUser(UpdateUserRequest request, ServerCallContext context)
    {
        var id = AccountMapping.UserId(request.UserId);
        var draft = Draft("", request.DisplayName, request.Role, request.ClinicIds, request.TherapistId);
        return AccountMapping.ToWire((await Users.Update(id, draft)).OrThrow());
    }

    public override async Task<StaffUser> DisableUser(DisableUserRequest request, ServerCallContext context) =>
        AccountMapping.ToWire((await Users.Disable(AccountMapping.UserId(request.UserId))).OrThrow());

    public override async Task<StaffUser> ResetPassword(ResetPasswordRequest request, ServerCallContext context)
    {
        var id = AccountMapping.UserId(request.UserId);
        if (StaffAccountRules.Password("new_password", request.NewPassword, null) is { } badPassword)
        {
            ApiErrors.ThrowRefused(badPassword);
        }
        return AccountMapping.ToWire((await Users.ResetPassword(id, request.NewPassword)).OrThrow());
    }

    private static StaffUserDraft Draft(string email, string displayName, string role, IReadOnlyList<string> clinicIds, string therapistId)
    {
        if (StaffAccountRules.DisplayName("display_name", displayName) is { } badName)
        {
            ApiErrors.ThrowRefused(badName);
        }
        return new StaffUserDraft(email, displayName, AccountMapping.Role(role), AccountMapping.ClinicIds(clinicIds), WireFormat.OptionalId(therapistId, "therapist_id"));
    }
}
