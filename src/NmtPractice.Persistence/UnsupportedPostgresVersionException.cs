namespace NmtPractice.Persistence;

/// <summary>The PostgreSQL server (or the binaries found for the embedded one) is older than <see cref="PostgresVersion.MinimumMajor"/>.</summary>
public sealed class UnsupportedPostgresVersionException : Exception
{
    public UnsupportedPostgresVersionException()
    {
    }

    public UnsupportedPostgresVersionException(string message)
        : base(message)
    {
    }

    public UnsupportedPostgresVersionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UnsupportedPostgresVersionException(string message, int serverVersionNum)
        : base(message)
    {
        ServerVersionNum = serverVersionNum;
    }

    /// <summary>The server's <c>server_version_num</c>, when a server was asked (0 for binaries).</summary>
    public int ServerVersionNum { get; }
}
