namespace NmtPractice.Hosting.LocalPostgres;

/// <summary>The PostgreSQL server programs found on this machine.</summary>
public sealed record PostgresBinaries(string InitDb, string PgCtl, string Postgres)
{
    public string Directory => Path.GetDirectoryName(PgCtl) ?? ".";

    /// <summary>Finds initdb, pg_ctl and postgres in one directory, or throws <see cref="PostgresBinariesNotFoundException"/>.</summary>
    public static PostgresBinaries Find(IReadOnlyList<string>? searchDirectories = null)
    {
        var candidates = searchDirectories ?? DefaultSearchDirectories();
        foreach (var dir in candidates)
        {
            if (string.IsNullOrWhiteSpace(dir))
            {
                continue;
            }

            string initdb = Path.Combine(dir, "initdb"), pgctl = Path.Combine(dir, "pg_ctl"), postgres = Path.Combine(dir, "postgres");
            if (File.Exists(initdb) && File.Exists(pgctl) && File.Exists(postgres))
            {
                return new PostgresBinaries(initdb, pgctl, postgres);
            }
        }

        throw new PostgresBinariesNotFoundException(candidates);
    }

    public static IReadOnlyList<string> DefaultSearchDirectories()
    {
        var dirs = new List<string>();
        var path = Environment.GetEnvironmentVariable("PATH");
        if (!string.IsNullOrEmpty(path))
        {
            dirs.AddRange(path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (System.IO.Directory.Exists(debianRoot))
        {
            var versions = System.IO.Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: d, Version: ParseVersion(Path.GetFileName(d))))
                .Where(v => v.Version is not null)
                .OrderByDescending(v => v.Version)
                .Select(v => Path.Combine(v.Dir, "bin"));
            dirs.AddRange(versions);
        }

        dirs.Add("/usr/local/pgsql/bin");
        return dirs;
    }

    private static Version? ParseVersion(string name) =>
        int.TryParse(name, out var major) ? new Version(major, 0)
        : Version.TryParse(name, out var v) ? v
        : null;
}
