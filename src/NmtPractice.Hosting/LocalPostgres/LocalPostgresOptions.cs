namespace NmtPractice.Hosting.LocalPostgres;

/// <summary>How to run a private PostgreSQL server from the machine's PostgreSQL binaries.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// The cluster's data directory: initialised with initdb on first use, reused afterwards.
    /// Null means a fresh directory under the system temp directory (which then never survives <see cref="KeepData"/> = false).
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Database created (if absent) after start; <see cref="LocalPostgresCluster.ConnectionString"/> points at it.</summary>
    public string DatabaseName { get; set; } = "nmt";

    /// <summary>When false, the data directory is deleted when the cluster is disposed (tests).</summary>
    public bool KeepData { get; set; } = true;

    /// <summary>fsync on by default: we benchmark with durable commits. Tests may turn it off for speed.</summary>
    public bool Fsync { get; set; } = true;

    /// <summary>synchronous_commit; null keeps the server default (on).</summary>
    public bool? SynchronousCommit { get; set; }

    public int MaxConnections { get; set; } = 200;

    public string SharedBuffers { get; set; } = "128MB";

    /// <summary>Extra postgresql.conf settings (name -> value, written verbatim, values quoted for you).</summary>
    public IDictionary<string, string> ExtraSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Where to look for initdb, pg_ctl and postgres. Null means the default search: PATH, then
    /// /usr/lib/postgresql/&lt;highest version&gt;/bin, then /usr/local/pgsql/bin.
    /// </summary>
    public IReadOnlyList<string>? BinarySearchDirectories { get; set; }

    /// <summary>Unprivileged account that runs PostgreSQL when this process is root (PostgreSQL refuses to run as root).</summary>
    public string ServiceAccount { get; set; } = "postgres";

    /// <summary>How long to wait for the server to start or stop.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
