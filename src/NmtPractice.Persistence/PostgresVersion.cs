using System.Globalization;
using System.Text.RegularExpressions;

namespace NmtPractice.Persistence;

/// <summary>
/// The oldest PostgreSQL NmtPractice runs on, and the checks that say so clearly at start-up: 15, because the
/// Orleans storage migration (0120) declares a <c>UNIQUE ... NULLS NOT DISTINCT</c> constraint, new in 15. Pure
/// functions over the server's version, so that they are tested without an old server.
/// </summary>
public static partial class PostgresVersion
{
    /// <summary>The oldest supported major version.</summary>
    public const int MinimumMajor = 15;

    /// <summary><see cref="MinimumMajor"/> as <c>server_version_num</c> counts (major * 10000 + minor since 10).</summary>
    public const int MinimumVersionNum = MinimumMajor * 10000;

    /// <summary>
    /// The major version as people write it, from <c>server_version_num</c>: 150004 -> "15", 90624 -> "9.6"
    /// (before 10 the major version had two parts).
    /// </summary>
    public static string MajorOf(int serverVersionNum) =>
        serverVersionNum >= 100000
            ? (serverVersionNum / 10000).ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{serverVersionNum / 10000}.{serverVersionNum / 100 % 100}");

    /// <summary>Whether a server of this <c>server_version_num</c> is new enough.</summary>
    public static bool IsSupported(int serverVersionNum) => serverVersionNum >= MinimumVersionNum;

    /// <summary>
    /// Throws <see cref="UnsupportedPostgresVersionException"/> naming the server's version when it is older than
    /// <see cref="MinimumMajor"/>. <paramref name="serverVersion"/> is <c>server_version</c> (e.g. "14.11 (Debian ...)"),
    /// <paramref name="where"/> says which server (e.g. its host and port).
    /// </summary>
    public static void EnsureSupported(int serverVersionNum, string? serverVersion, string where)
    {
        if (IsSupported(serverVersionNum))
        {
            return;
        }

        var shown = string.IsNullOrWhiteSpace(serverVersion) ? MajorOf(serverVersionNum) : serverVersion.Trim();
        throw new UnsupportedPostgresVersionException(
            $"{where} runs PostgreSQL {shown} (server_version_num {serverVersionNum.ToString(CultureInfo.InvariantCulture)}); "
            + $"NmtPractice needs PostgreSQL {MinimumMajor} or later (its schema uses UNIQUE ... NULLS NOT DISTINCT). "
            + $"Upgrade the server or point ConnectionStrings:Nmt at a PostgreSQL {MinimumMajor}+; nothing was changed in the database.",
            serverVersionNum);
    }

    /// <summary>
    /// The version a PostgreSQL program prints for <c>--version</c> ("postgres (PostgreSQL) 15.4 (Debian 15.4-1)",
    /// "pg_ctl (PostgreSQL) 9.6.24", "postgres (PostgreSQL) 17beta1"), or null when the text is not one.
    /// </summary>
    public static Version? ParseProgramVersion(string? output)
    {
        if (string.IsNullOrEmpty(output))
        {
            return null;
        }

        var m = ProgramVersion().Match(output);
        if (!m.Success)
        {
            return null;
        }

        var major = int.Parse(m.Groups["major"].Value, CultureInfo.InvariantCulture);
        var minor = m.Groups["minor"].Success ? int.Parse(m.Groups["minor"].Value, CultureInfo.InvariantCulture) : 0;
        return new Version(major, minor);
    }

    /// <summary>Whether binaries of this version (from <see cref="ParseProgramVersion"/>) are new enough.</summary>
    public static bool IsSupported(Version programVersion)
    {
        ArgumentNullException.ThrowIfNull(programVersion);
        return programVersion.Major >= MinimumMajor;
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(?<major>\d+)(?:\.(?<minor>\d+))?", RegexOptions.CultureInvariant)]
    private static partial Regex ProgramVersion();
}
