namespace NmtPractice.Grains.Abstractions.Accounts;

/// <summary>
/// Signing in with a staff account: login, refresh-token rotation, logout. Stateless; key 0. Callers need no token
/// (this is how one gets a token); <c>source</c> is the peer address, for the audit trail. The access token itself is
/// minted by the gateway, which holds the signing key.
/// </summary>
[Alias("nmt.IAccountGrain")]
public interface IAccountGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The account and the first refresh token of a new login; <see cref="SignIn.Failed"/> for an unknown email, a
    /// wrong password, a locked or a disabled account alike, in about the same time.
    /// </summary>
    [Alias("Login")] Task<SignIn> Login(string email, string password, string? source);

    /// <summary>The account and the next refresh token; <see cref="SignIn.Failed"/> for a token that is not good (a reused one revokes its family).</summary>
    [Alias("Refresh")] Task<SignIn> Refresh(string refreshToken, string? source);

    /// <summary>Revokes the token's family; an unknown token is ignored.</summary>
    [Alias("Logout")] Task Logout(string refreshToken, string? source);

    /// <summary>The account with this id as it is now, or null.</summary>
    [ReadOnly, Alias("Find")] Task<StaffUserView?> Find(Guid userId);
}
