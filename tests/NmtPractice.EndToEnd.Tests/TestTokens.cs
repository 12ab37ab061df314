using System.Security.Cryptography;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>Signing keys and bearer tokens for test servers, and call invokers that send a token with every call.</summary>
public static class TestTokens
{
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(NmtTokens.MinKeyBytes);

    /// <summary>The server argument that makes it accept tokens signed with <paramref name="key"/>.</summary>
    public static string KeyArgument(byte[] key) => "--Nmt:Auth:SigningKey=" + Convert.ToBase64String(key);

    /// <summary>A token valid from a minute ago for two hours (tests use the real clock for tokens).</summary>
    public static string Mint(byte[] key, string role, IReadOnlyList<string>? clinics = null, string? therapistId = null, string subject = "test") =>
        TokenMinter.Mint(key, new TokenSubject(subject, role, clinics ?? [], therapistId), DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromHours(2));

    public static string Admin(byte[] key) => Mint(key, NmtRoles.ChainAdmin, subject: "test-admin");

    /// <summary>Calls over <paramref name="channel"/> with <c>authorization: Bearer token</c>; no header when null.</summary>
    public static CallInvoker WithToken(this GrpcChannel channel, string? token) =>
        token is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add("authorization", "Bearer " + token);
                return metadata;
            });
}
