using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// Staff accounts over real gRPC: a chain admin creates an account, its owner logs in without a token, calls the API
/// with the access token, refreshes (rotation), logs out; lockout and its end (the fixture's clock), reuse of a rotated
/// refresh token, disabled accounts, management by chain admins only, bad input, and the audit rows.
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

    [Fact]
    public async Task Five_failures_lock_the_account_even_for_the_right_password_until_the_lockout_ends()
    {
        var email = NewEmail("locked");
        var user = await CreateAsync(email);
        for (var i = 0; i < 5; i++)
        {
            await AssertLoginFailsAsync(email, "wrong password number " + i);
        }
        await AssertLoginFailsAsync(email, Password);

        // The lockout is 15 minutes from the fifth failure.
        api.Clock.Advance(NodaTime.Duration.FromMinutes(16));
        var pair = await Anonymous.LoginAsync(new LoginRequest { Email = email, Password = Password });
        Assert.Equal(user.UserId, pair.User.UserId);

        var rows = await AuditAsync(user.UserId);
        Assert.Equal(1, rows.Count(r => r.Action == "account.lockout"));
        Assert.Equal(6, rows.Count(r => r.Action == "account.login" && r.Outcome == "refused"));
        Assert.Contains(rows, r => r.Action == "account.login" && r.Outcome == "ok");
    }

    [Fact]
    public async Task A_rotated_refresh_token_presented_again_revokes_its_whole_login()
    {
        var email = NewEmail("reuse");
        var user = await CreateAsync(email);
        var first = await Anonymous.LoginAsync(new LoginRequest { Email = email, Password = Password });
        var second = await Anonymous.RefreshAsync(new RefreshRequest { RefreshToken = first.RefreshToken });

        await AssertRefreshFailsAsync(first.RefreshToken);
        // The thief's copy or the owner's: nobody knows which, so the newer token is revoked too.
        await AssertRefreshFailsAsync(second.RefreshToken);

        // Another login is another family, untouched.
        var other = await Anonymous.LoginAsync(new LoginRequest { Email = email, Password = Password });
        await Anonymous.RefreshAsync(new RefreshRequest { RefreshToken = other.RefreshToken });
        Assert.Contains(await AuditAsync(user.UserId), r => r.Action == "account.refresh-reuse");
    }

    [Fact]
    public async Task A_disabled_account_can_neither_refresh_nor_log_in()
    {
        var email = NewEmail("gone");
        var user = await CreateAsync(email);
        var pair = await Anonymous.LoginAsync(new LoginRequest { Email = email, Password = Password });

        var disabled = await Admin.DisableUserAsync(new DisableUserRequest { UserId = user.UserId });
        Assert.True(disabled.Disabled);
        await AssertRefreshFailsAsync(pair.RefreshToken);
        await AssertLoginFailsAsync(email, Password);
        Assert.True((await Admin.GetUserAsync(new GetUserRequest { UserId = user.UserId })).Disabled);
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one_and_revokes_the_refresh_tokens()
    {
        var email = NewEmail("reset");
        var user = await CreateAsync(email);
        var pair = await Anonymous.LoginAsync(new LoginRequest { Email = email, Password = Password });
        const string newPassword = "another long passphrase";
        await Admin.ResetPasswordAsync(new ResetPasswordRequest { UserId = user.UserId, NewPassword = newPassword });

        await AssertRefreshFailsAsync(pair.RefreshToken);
        await AssertLoginFailsAsync(email, Password);
        await Anonymous.LoginAsync(new LoginRequest { Email = email, Password = newPassword });
    }

    [Fact]
    public async Task A_login_token_carries_the_accounts_role_and_clinics_and_only_chain_admins_manage_accounts()
    {
        var chain = new ApiChain(api, "acct" + Guid.NewGuid().ToString("N")[..6]);
        await chain.CreateClinicAsync();
        var email = NewEmail("desk");
        var desk = await CreateAsync(email, NmtRoles.FrontDesk, chain.ClinicId);
        var pair = await Anonymous.LoginAsync(new LoginRequest { Email = email, Password = Password });
        Assert.Equal([chain.ClinicId], pair.User.ClinicIds);

        var asDesk = api.InvokerFor(pair.AccessToken);
        await new BookingService.BookingServiceClient(asDesk).ListClinicDayAsync(new ListClinicDayRequest { ClinicId = chain.ClinicId, Date = ApiChain.Iso(chain.Date(1)) });
        var outOfScope = await Assert.ThrowsAsync<RpcException>(() => new BookingService.BookingServiceClient(asDesk)
            .ListClinicDayAsync(new ListClinicDayRequest { ClinicId = chain.ClinicId + "-other", Date = ApiChain.Iso(chain.Date(1)) }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, outOfScope.StatusCode);

        var manage = await Assert.ThrowsAsync<RpcException>(() => new StaffUserService.StaffUserServiceClient(asDesk)
            .UpdateUserAsync(new UpdateUserRequest { UserId = desk.UserId, DisplayName = "Me", Role = NmtRoles.ChainAdmin }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, manage.StatusCode);
        Assert.Equal(NmtRoles.FrontDesk, (await Admin.GetUserAsync(new GetUserRequest { UserId = desk.UserId })).Role);

        var updated = await Admin.UpdateUserAsync(new UpdateUserRequest { UserId = desk.UserId, DisplayName = "Sam Manager", Role = NmtRoles.ClinicManager, ClinicIds = { chain.ClinicId } });
        Assert.Equal((NmtRoles.ClinicManager, "Sam Manager", email.ToLowerInvariant()), (updated.Role, updated.DisplayName, updated.Email));
        var refreshed = await Anonymous.RefreshAsync(new RefreshRequest { RefreshToken = pair.RefreshToken });
        Assert.Equal(NmtRoles.ClinicManager, refreshed.User.Role);

        var again = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(email.ToUpperInvariant()));
        Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);
    }

    public static TheoryData<string, StatusCode, string> BadInputs { get; } = new()
    {
        { "create: no email", StatusCode.InvalidArgument, "email" },
        { "create: huge email", StatusCode.InvalidArgument, "email" },
        { "create: not an email", StatusCode.InvalidArgument, "email" },
        { "create: short password", StatusCode.InvalidArgument, "initial_password" },
        { "create: password of one character", StatusCode.InvalidArgument, "initial_password" },
        { "create: password with the email's name", StatusCode.InvalidArgument, "initial_password" },
        { "create: unknown role", StatusCode.InvalidArgument, "role" },
        { "create: no display name", StatusCode.InvalidArgument, "display_name" },
        { "create: unknown clinic", StatusCode.NotFound, "clinic_ids" },
        { "create: desk without clinic", StatusCode.InvalidArgument, "clinic_ids" },
        { "create: admin with clinic", StatusCode.InvalidArgument, "clinic_ids" },
        { "create: therapist without therapist", StatusCode.InvalidArgument, "therapist_id" },
        { "create: unknown therapist", StatusCode.NotFound, "therapist_id" },
        { "get: unknown user", StatusCode.NotFound, "user_id" },
        { "get: malformed user id", StatusCode.InvalidArgument, "user_id" },
        { "update: unknown user", StatusCode.NotFound, "user_id" },
        { "update: unknown role", StatusCode.InvalidArgument, "role" },
        { "disable: unknown user", StatusCode.NotFound, "user_id" },
        { "reset: short password", StatusCode.InvalidArgument, "new_password" },
        { "reset: unknown user", StatusCode.NotFound, "user_id" },
        { "list: bad page token", StatusCode.InvalidArgument, "page_token" },
        { "login: no email", StatusCode.InvalidArgument, "email" },
        { "login: huge email", StatusCode.InvalidArgument, "email" },
        { "login: no password", StatusCode.InvalidArgument, "password" },
        { "login: huge password", StatusCode.InvalidArgument, "password" },
        { "refresh: no token", StatusCode.InvalidArgument, "refresh_token" },
        { "refresh: huge token", StatusCode.InvalidArgument, "refresh_token" },
        { "logout: no token", StatusCode.InvalidArgument, "refresh_token" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_refused_with_its_field_and_changes_nothing(string kind, StatusCode code, string field)
    {
        var email = NewEmail("bad");
        var existing = await CreateAsync(NewEmail("target"));
        var huge = new string('a', 300) + "@example.com";
        var unknownUser = Guid.NewGuid().ToString();
        CreateUserRequest Create(string role = NmtRoles.ChainAdmin, string password = Password, string? mail = null, string name = "Sam", string? clinic = null, string therapist = "")
        {
            var request = new CreateUserRequest { Email = mail ?? email, DisplayName = name, Role = role, InitialPassword = password, TherapistId = therapist };
            if (clinic is not null)
            {
                request.ClinicIds.Add(clinic);
            }
            return request;
        }
        var before = await AllUsersAsync();
        Func<Task> call = kind switch
        {
            "create: no email" => () => Admin.CreateUserAsync(Create(mail: "")).ResponseAsync,
            "create: huge email" => () => Admin.CreateUserAsync(Create(mail: huge)).ResponseAsync,
            "create: not an email" => () => Admin.CreateUserAsync(Create(mail: "sam at example.com")).ResponseAsync,
            "create: short password" => () => Admin.CreateUserAsync(Create(password: "short")).ResponseAsync,
            "create: password of one character" => () => Admin.CreateUserAsync(Create(password: new string('a', 20))).ResponseAsync,
            "create: password with the email's name" => () => Admin.CreateUserAsync(Create(mail: "samantha@example.com", password: "my name is samantha!")).ResponseAsync,
            "create: unknown role" => () => Admin.CreateUserAsync(Create(role: "owner")).ResponseAsync,
            "create: no display name" => () => Admin.CreateUserAsync(Create(name: " ")).ResponseAsync,
            "create: unknown clinic" => () => Admin.CreateUserAsync(Create(role: NmtRoles.FrontDesk, clinic: "no-such-clinic")).ResponseAsync,
            "create: desk without clinic" => () => Admin.CreateUserAsync(Create(role: NmtRoles.FrontDesk)).ResponseAsync,
            "create: admin with clinic" => () => Admin.CreateUserAsync(Create(clinic: "no-such-clinic")).ResponseAsync,
            "create: therapist without therapist" => () => Admin.CreateUserAsync(Create(role: NmtRoles.Therapist)).ResponseAsync,
            "create: unknown therapist" => () => Admin.CreateUserAsync(Create(role: NmtRoles.Therapist, therapist: "no-such-therapist")).ResponseAsync,
            "get: unknown user" => () => Admin.GetUserAsync(new GetUserRequest { UserId = unknownUser }).ResponseAsync,
            "get: malformed user id" => () => Admin.GetUserAsync(new GetUserRequest { UserId = "not-a-user" }).ResponseAsync,
            "update: unknown user" => () => Admin.UpdateUserAsync(new UpdateUserRequest { UserId = unknownUser, DisplayName = "X", Role = NmtRoles.ChainAdmin }).ResponseAsync,
            "update: unknown role" => () => Admin.UpdateUserAsync(new UpdateUserRequest { UserId = existing.UserId, DisplayName = "X", Role = "root" }).ResponseAsync,
            "disable: unknown user" => () => Admin.DisableUserAsync(new DisableUserRequest { UserId = unknownUser }).ResponseAsync,
            "reset: short password" => () => Admin.ResetPasswordAsync(new ResetPasswordRequest { UserId = existing.UserId, NewPassword = "short" }).ResponseAsync,
            "reset: unknown user" => () => Admin.ResetPasswordAsync(new ResetPasswordRequest { UserId = unknownUser, NewPassword = "a perfectly good passphrase" }).ResponseAsync,
            "list: bad page token" => () => Admin.ListUsersAsync(new ListUsersRequest { PageToken = "!!" }).ResponseAsync,
            "login: no email" => () => Anonymous.LoginAsync(new LoginRequest { Password = Password }).ResponseAsync,
            "login: huge email" => () => Anonymous.LoginAsync(new LoginRequest { Email = huge, Password = Password }).ResponseAsync,
            "login: no password" => () => Anonymous.LoginAsync(new LoginRequest { Email = email }).ResponseAsync,
            "login: huge password" => () => Anonymous.LoginAsync(new LoginRequest { Email = email, Password = new string('p', 129) }).ResponseAsync,
            "refresh: no token" => () => Anonymous.RefreshAsync(new RefreshRequest()).ResponseAsync,
            "refresh: huge token" => () => Anonymous.RefreshAsync(new RefreshRequest { RefreshToken = new string('t', 300) }).ResponseAsync,
            "logout: no token" => () => Anonymous.LogoutAsync(new LogoutRequest()).ResponseAsync,
            _ => throw new ArgumentException(kind),
        };
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, e.StatusCode);
        Assert.Equal(field, e.Detail<ErrorInfo>()?.Metadata["field"]);
        if (code == StatusCode.InvalidArgument)
        {
            Assert.Equal([field], e.ViolatedFields());
        }
        Assert.Equal(before, await AllUsersAsync());
        Assert.Equal(existing, await Admin.GetUserAsync(new GetUserRequest { UserId = existing.UserId }));
    }

    [Fact]
    public async Task Account_changes_are_audited_without_passwords()
    {
        var email = NewEmail("audited");
        var user = await CreateAsync(email);
        await Admin.UpdateUserAsync(new UpdateUserRequest { UserId = user.UserId, DisplayName = "Renamed", Role = NmtRoles.ChainAdmin });
        const string newPassword = "reset to this passphrase";
        await Admin.ResetPasswordAsync(new ResetPasswordRequest { UserId = user.UserId, NewPassword = newPassword });
        var pair = await Anonymous.LoginAsync(new LoginRequest { Email = email, Password = newPassword });
        var next = await Anonymous.RefreshAsync(new RefreshRequest { RefreshToken = pair.RefreshToken });
        await Anonymous.LogoutAsync(new LogoutRequest { RefreshToken = next.RefreshToken });
        await Admin.DisableUserAsync(new DisableUserRequest { UserId = user.UserId });

        var rows = await AuditAsync(user.UserId);
        Assert.Equal(
            ["account.create", "account.update", "account.password-reset", "account.login", "account.refresh", "account.logout", "account.disable"],
            rows.Select(r => r.Action));
        Assert.All(rows, r => Assert.Equal("staff_user", r.TargetKind));
        Assert.Equal("test-admin", rows[0].Actor);
        Assert.Equal(user.UserId, rows[3].Actor);
        Assert.All(rows, r => Assert.DoesNotContain("passphrase", r.Detail, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.DoesNotContain(Password, r.Detail, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.DoesNotContain(pair.RefreshToken, r.Detail, StringComparison.Ordinal));
    }

    private async Task<List<StaffUser>> AllUsersAsync()
    {
        var users = new List<StaffUser>();
        var token = "";
        do
        {
            var page = await Admin.ListUsersAsync(new ListUsersRequest { PageSize = 500, PageToken = token });
            users.AddRange(page.Users);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return users;
    }

    private async Task<List<AuditEntry>> AuditAsync(string userId)
    {
        var rows = new List<AuditEntry>();
        var token = "";
        do
        {
            var page = await api.Audit.QueryAuditAsync(new QueryAuditRequest { PageSize = 500, PageToken = token }, Headers());
            rows.AddRange(page.Entries.Where(e => e.TargetId == userId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return rows;
    }

    private Metadata Headers() => new() { { "authorization", "Bearer " + TestTokens.Admin(api.SigningKey) } };

    private async Task AssertLoginFailsAsync(string email, string password)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Anonymous.LoginAsync(new LoginRequest { Email = email, Password = password }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal("LOGIN_FAILED", e.Detail<ErrorInfo>()?.Reason);
    }

    private async Task AssertRefreshFailsAsync(string refreshToken)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Anonymous.RefreshAsync(new RefreshRequest { RefreshToken = refreshToken }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal("REFRESH_TOKEN_INVALID", e.Detail<ErrorInfo>()?.Reason);
    }
}
