namespace NmtPractice.Server;

public enum ServerCommand
{
    /// <summary>Run the server until Ctrl+C (the default).</summary>
    Serve,
    /// <summary>Apply the database migrations and exit.</summary>
    Migrate,
    /// <summary>Start, seed the demo chain, stop.</summary>
    Demo,
    /// <summary>Start, seed a large generated chain (see Seeding/SeedOptions), stop.</summary>
    Seed,
    /// <summary>Embedded default: dump the private PostgreSQL to <c>--out FILE</c> (see Backup/BackupCommand).</summary>
    Backup,
    /// <summary>Embedded default: restore <c>--from FILE</c> into an empty data directory (<c>--force</c>: replace).</summary>
    Restore,
}
