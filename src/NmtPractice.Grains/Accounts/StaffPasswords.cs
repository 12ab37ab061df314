using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace NmtPractice.Grains.Accounts;

/// <summary>
/// Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2, salted, its own format
/// version in the hash), and the refresh tokens' random values and hashes.
/// </summary>
public sealed class StaffPasswords
{
    private readonly PasswordHasher<Account> _hasher = new();
    private readonly Lazy<string> _dummyHash;

    public StaffPasswords() =>
        _dummyHash = new(() => _hasher.HashPassword(Account.Instance, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    public string Hash(string password) => _hasher.HashPassword(Account.Instance, password);

    public bool Verify(string hash, string password) =>
        _hasher.VerifyHashedPassword(Account.Instance, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>
    /// Verifies against a hash no password matches: an unknown email then costs what a wrong password costs, so the
    /// time of the answer does not tell whether the email has an account.
    /// </summary>
    public void VerifyNothing(string password) => Verify(_dummyHash.Value, password);

    /// <summary>A new refresh token (256 random bits, base64url) and the hash that is stored instead of it.</summary>
    public static (string Token, byte[] Hash) NewRefreshToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, RefreshTokenHash(token));
    }

    public static byte[] RefreshTokenHash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>PasswordHasher wants a user type; the default hasher does not look at it.</summary>
    public sealed class Account
    {
        public static Account Instance { get; } = new();
    }
}
