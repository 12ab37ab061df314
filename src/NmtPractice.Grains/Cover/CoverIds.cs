using System.Security.Cryptography;
using System.Text;

namespace NmtPractice.Grains.Cover;

/// <summary>Plan ids derived from the request that made them, so that a retried request finds its first plan.</summary>
public static class CoverIds
{
    public static Guid PlanId(string kind, string therapistId, string requestId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"nmt-cover\n{kind}\n{therapistId}\n{requestId}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // version 5 style (name-based) in the little-endian Guid layout
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}
