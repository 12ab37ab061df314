using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using NmtPractice.Api.Grpc;

namespace NmtPractice.Api.Security;

/// <summary>
/// The gate every RPC passes: authenticate the bearer token (else UNAUTHENTICATED), find the RPC's policy (none:
/// PERMISSION_DENIED, NO_POLICY), check the role (ROLE_NOT_ALLOWED) and the scope (OUT_OF_SCOPE).
/// </summary>
public sealed class RpcGate(ScopeResolver scopes, ILogger<RpcGate> logger)
{
    public const string TokenMissing = "TOKEN_MISSING";
    public const string TokenExpired = "TOKEN_EXPIRED";
    public const string TokenNotYetValid = "TOKEN_NOT_YET_VALID";
    public const string TokenInvalid = "TOKEN_INVALID";
    public const string ClaimsInvalid = "TOKEN_CLAIMS_INVALID";
    public const string NoPolicy = "NO_POLICY";
    public const string RoleNotAllowed = "ROLE_NOT_ALLOWED";
    public const string OutOfScope = "OUT_OF_SCOPE";

    /// <summary>The caller of this HTTP request from its bearer token, or UNAUTHENTICATED saying why not.</summary>
    public async Task<Caller> AuthenticateAsync(HttpContext http, string? source)
    {
        ArgumentNullException.ThrowIfNull(http);
        AuthenticateResult result;
        try
        {
            result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        }
        catch (InvalidOperationException e)
        {
            // No authentication registered: fail closed.
            logger.LogError(e, "Bearer authentication is not configured; refusing the call");
            throw ApiErrors.Unauthenticated(TokenInvalid, "The server cannot validate tokens.");
        }
        if (result.None || (!result.Succeeded && result.Failure is null))
        {
            throw ApiErrors.Unauthenticated(TokenMissing, "A bearer token is required: send the metadata 'authorization: Bearer <token>' (nmt login mints one).");
        }
        if (!result.Succeeded)
        {
            var (reason, message) = result.Failure switch
            {
                SecurityTokenExpiredException => (TokenExpired, "The bearer token has expired."),
                SecurityTokenNotYetValidException => (TokenNotYetValid, "The bearer token is not valid yet."),
                SecurityTokenInvalidAudienceException => (TokenInvalid, "The bearer token is for another audience."),
                SecurityTokenInvalidIssuerException => (TokenInvalid, "The bearer token is from an unknown issuer."),
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException or SecurityTokenInvalidAlgorithmException
                    => (TokenInvalid, "The bearer token's signature is not valid."),
                _ => (TokenInvalid, "The bearer token is not valid."),
            };
            logger.LogInformation("Refused a token from {Source}: {Failure}", source, result.Failure?.GetType().Name);
            throw ApiErrors.Unauthenticated(reason, message);
        }
        var (caller, problem) = Callers.FromClaims(result.Principal!, source);
        return caller ?? throw ApiErrors.Unauthenticated(ClaimsInvalid, $"The bearer token is not valid here: {problem}.");
    }

    /// <summary>
    /// Refuses with PERMISSION_DENIED unless <paramref name="method"/> ("package.Service/Method") has a policy that lets
    /// <paramref name="caller"/> make <paramref name="request"/>.
    /// </summary>
    public async Task AuthorizeAsync(string method, Caller caller, object request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!RpcPolicies.All.TryGetValue(method, out var policy))
        {
            logger.LogWarning("{Method} has no authorisation policy; refused (add it to RpcPolicies)", method);
            throw ApiErrors.PermissionDenied(NoPolicy, $"{method} has no authorisation policy.");
        }
        if (!policy.Roles.Contains(caller.Role))
        {
            throw ApiErrors.PermissionDenied(RoleNotAllowed, $"The role {Callers.WireName(caller.Role)} may not call {method}.");
        }
        if (caller.Role != Role.ChainAdmin && !await policy.Scope(caller, request, scopes, ct))
        {
            logger.LogInformation("{Subject} ({Role}) refused {Method}: out of scope", caller.Subject, caller.Role, method);
            throw ApiErrors.PermissionDenied(OutOfScope, $"{method}: the request is outside your clinics or your own records.");
        }
    }
}
