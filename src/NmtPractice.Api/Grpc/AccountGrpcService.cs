using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using NmtPractice.Domain.Accounts;
using NmtPractice.Grains.Abstractions.Accounts;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// Staff-account sign-in: Login and Refresh answer a token pair (the access token minted here with the server's key,
/// the refresh token from the account grain), Logout revokes, WhoAmI describes the caller. Login, Refresh and Logout
/// are anonymous (<see cref="RpcPolicies.AnonymousRpcs"/>). Every failed login gets the same answer.
/// </summary>
public sealed class AccountGrpcService(IGrainFactory grains, AccessTokenIssuer issuer, IOptions<AccountOptions> options) : AccountService.AccountServiceBase
{
    public const string LoginFailed = "LOGIN_FAILED";
    public const string RefreshTokenInvalid = "REFRESH_TOKEN_INVALID";
    public const string AccountsUnavailable = "ACCOUNTS_UNAVAILABLE";

    /// <summary>Refresh tokens are 43 characters; anything much longer is not one.</summary>
    private const int MaxRefreshTokenLength = 256;

    private IAccountGrain Accounts => grains.GetGrain<IAccountGrain>(0);

    public override async Task<TokenPair> Login(LoginRequest request, ServerCallContext context)
    {
        if (StaffAccountRules.Email("email", request.Email) is { } badEmail)
        {
            ApiErrors.ThrowRefused(badEmail);
        }
        if (request.Password.Length == 0)
        {
            ApiErrors.ThrowInvalid("password", "password is required.");
        }
        if (request.Password.Length > StaffAccountRules.MaxPasswordLength)
        {
            ApiErrors.ThrowInvalid("password", $"password is longer than {StaffAccountRules.MaxPasswordLength} characters.");
        }
        EnsureCanMint();
        var signIn = await Accounts.Login(request.Email, request.Password, context.Peer);
        if (!signIn.Succeeded)
        {
            throw ApiErrors.Unauthenticated(LoginFailed, "The email or password is not right, or the account is locked or disabled.");
        }
        return Pair(signIn);
    }

    public override async Task<TokenPair> Refresh(RefreshRequest request, ServerCallContext context)
    {
        RefreshToken(request.RefreshToken);
        EnsureCanMint();
        var signIn = await Accounts.Refresh(request.RefreshToken, context.Peer);
        if (!signIn.Succeeded)
        {
            throw ApiErrors.Unauthenticated(RefreshTokenInvalid, "The refresh token is not valid (used, expired, revoked, or its account is disabled): log in again.");
        }
        return Pair(signIn);
    }

    public override async Task<Empty> Logout(LogoutRequest request, ServerCallContext context)
    {
        RefreshToken(request.RefreshToken);
        await Accounts.Logout(request.RefreshToken, context.Peer);
        return new Empty();
    }

    public override async Task<StaffUser> WhoAmI(Empty request, ServerCallContext context)
    {
        var caller = CallerContext.Current!;
        if (Guid.TryParse(caller.Subject, out var userId) && await Accounts.Find(userId) is { } user)
        {
            return AccountMapping.ToWire(user);
        }
        // A token minted by key (nmt login --role) or by an identity provider: the token's own claims.
        var wire = new StaffUser { DisplayName = caller.Subject, Role = caller.Role.WireName(), TherapistId = caller.TherapistId ?? "" };
        wire.ClinicIds.AddRange(caller.ClinicIds);
        return wire;
    }

    private static void RefreshToken(string token)
    {
        if (token.Length == 0)
        {
            ApiErrors.ThrowInvalid("refresh_token", "refresh_token is required.");
        }
        if (token.Length > MaxRefreshTokenLength)
        {
            ApiErrors.ThrowInvalid("refresh_token", "refresh_token is not a refresh token.");
        }
    }

    private void EnsureCanMint()
    {
        if (!issuer.CanMint)
        {
            throw new Google.Rpc.Status
            {
                Code = (int)Google.Rpc.Code.FailedPrecondition,
                Message = "This server holds no signing key (its tokens come from an identity provider): sign in with the provider.",
                Details = { Any.Pack(new Google.Rpc.ErrorInfo { Reason = AccountsUnavailable, Domain = ApiErrors.Domain }) },
            }.ToRpcException();
        }
    }

    private TokenPair Pair(SignIn signIn)
    {
        var (accessToken, expiresAt) = issuer.Mint(signIn.User!, options.Value.AccessTokenLifetime);
        return new TokenPair
        {
            AccessToken = accessToken,
            RefreshToken = signIn.RefreshToken,
            AccessTokenExpiresAt = Timestamp.FromDateTimeOffset(expiresAt),
            User = AccountMapping.ToWire(signIn.User!),
        };
    }
}
