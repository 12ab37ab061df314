using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// Staff accounts over real gRPC: a chain admin creates an account, its owner logs in without a token, calls the API
/// with the access token, refreshes (rotation), logs out.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AccountTests(ApiServerFixture api)
{
    private const string Password = "correct horse battery";

    private AccountService.AccountServiceClient Anonymous => new(api.InvokerFor(null));

    private StaffUserService.StaffUserServiceClient Admin => new(api.Invoker);

    private static string NewEmail(string name) => $"{name}.{Guid.NewGuid():N}@example.com";

    private async Task<StaffUser> CreateAsync(string email, string role = NmtRoles.ChainAdmin, string? clinic = null, string password = Password)
    {
        var request = new CreateUserRequest { Email = email, DisplayName = "Sam Example", Role = role, InitialPassword = password };
        if (clinic is not null)
        {
            request.ClinicIds.Add(clinic);
        }
        return await Admin.CreateUserAsync(request);
    }

    [Fact]
    public async Task An_account_logs_in_calls_with_its_token_refreshes_and_logs_out()
    {
        var email = NewEmail("Desk");
        var created = await CreateAsync(email);
        Assert.Equal(email.ToLowerInvariant(), created.Email);
        Assert.Equal(NmtRoles.ChainAdmin, created.Role);
        Assert.False(created.Disabled);

        // The email is matched whatever its case.
        var pair = await Anonymous.LoginAsync(new LoginRequest { Email = email.ToUpperInvariant(), Password = Password });
        Assert.Equal(created.UserId, pair.User.UserId);
        Assert.NotEmpty(pair.RefreshToken);
        var expiresIn = pair.AccessTokenExpiresAt.ToDateTimeOffset() - DateTimeOffset.UtcNow;
        Assert.InRange(expiresIn, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15.5));

        var me = await new AccountService.AccountServiceClient(api.InvokerFor(pair.AccessToken)).WhoAmIAsync(new Empty());
        Assert.Equal(created, me);
        await new ClinicService.ClinicServiceClient(api.InvokerFor(pair.AccessToken)).ListClinicsAsync(new ListClinicsRequest());

        var next = await Anonymous.RefreshAsync(new RefreshRequest { RefreshToken = pair.RefreshToken });
        Assert.NotEqual(pair.RefreshToken, next.RefreshToken);
        Assert.Equal(created.UserId, next.User.UserId);
        await new AccountService.AccountServiceClient(api.InvokerFor(next.AccessToken)).WhoAmIAsync(new Empty());

        await Anonymous.LogoutAsync(new LogoutRequest { RefreshToken = next.RefreshToken });
        var refused = await Assert.ThrowsAsync<RpcException>(() => Anonymous.RefreshAsync(new RefreshRequest { RefreshToken = next.RefreshToken }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal("REFRESH_TOKEN_INVALID", refused.Detail<ErrorInfo>()?.Reason);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer()
    {
        var email = NewEmail("same");
        await CreateAsync(email);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => Anonymous.LoginAsync(new LoginRequest { Email = email, Password = Password + "x" }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Anonymous.LoginAsync(new LoginRequest { Email = NewEmail("nobody"), Password = Password }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        Assert.Equal(wrong.Status.Detail, unknown.Status.Detail);
        Assert.Equal("LOGIN_FAILED", wrong.Detail<ErrorInfo>()?.Reason);
        Assert.Equal("LOGIN_FAILED", unknown.Detail<ErrorInfo>()?.Reason);
    }
}
