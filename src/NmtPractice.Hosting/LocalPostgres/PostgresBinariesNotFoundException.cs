namespace NmtPractice.Hosting.LocalPostgres;

/// <summary>PostgreSQL server programs (initdb, pg_ctl, postgres) are not installed where we looked.</summary>
public sealed class PostgresBinariesNotFoundException : Exception
{
    public PostgresBinariesNotFoundException()
        : this(Array.Empty<string>())
    {
    }

    public PostgresBinariesNotFoundException(string message)
        : base(message)
    {
        SearchedDirectories = Array.Empty<string>();
    }

    public PostgresBinariesNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        SearchedDirectories = Array.Empty<string>();
    }

    public PostgresBinariesNotFoundException(IReadOnlyList<string> searched)
        : base(BuildMessage(searched))
    {
        SearchedDirectories = searched;
    }

    public IReadOnlyList<string> SearchedDirectories { get; }

    private static string BuildMessage(IReadOnlyList<string> searched) =>
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. "
        + "Install the PostgreSQL server package: on Debian/Ubuntu `apt-get install postgresql`; "
        + "on Fedora/RHEL `dnf install postgresql-server`; on Alpine `apk add postgresql`; on macOS `brew install postgresql`. "
        + "Or point the server at an existing PostgreSQL with a connection string. "
        + $"Searched: {(searched.Count == 0 ? "(nothing)" : string.Join(", ", searched))}.";
}
