using System.Diagnostics;
using System.Globalization;
using NmtPractice.Persistence;

namespace NmtPractice.Hosting.LocalPostgres;

/// <summary>The PostgreSQL server programs found on this machine.</summary>
public sealed record PostgresBinaries(string InitDb, string PgCtl, string Postgres)
{
    /// <summary>How long <c>postgres --version</c> may take (it prints and exits at once; generous for a loaded machine).</summary>
    private static readonly TimeSpan VersionProbeTimeout = TimeSpan.FromSeconds(20);

    public string Directory => Path.GetDirectoryName(PgCtl) ?? ".";

    /// <summary>The version <c>postgres --version</c> printed (null when it could not be read).</summary>
    public Version? Version { get; init; }

    /// <summary>
    /// Finds initdb, pg_ctl and postgres in one directory, and among the directories that have them the newest of version
    /// <see cref="PostgresVersion.MinimumMajor"/> or later (the first in search order among equals). A data directory
    /// already initialised by one major version (<paramref name="dataDirectoryMajor"/>, from its <c>PG_VERSION</c>)
    /// needs binaries of that same major version. Throws <see cref="PostgresBinariesNotFoundException"/> when there
    /// are none, <see cref="UnsupportedPostgresVersionException"/> (naming what was found) when none will do.
    /// </summary>
    public static PostgresBinaries Find(IReadOnlyList<string>? searchDirectories = null, int? dataDirectoryMajor = null)
    {
        var candidates = searchDirectories ?? DefaultSearchDirectories();
        var found = new List<PostgresBinaries>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in candidates)
        {
            if (string.IsNullOrWhiteSpace(dir) || !seen.Add(Path.GetFullPath(dir)))
            {
                continue;
            }

            string initdb = Path.Combine(dir, "initdb"), pgctl = Path.Combine(dir, "pg_ctl"), postgres = Path.Combine(dir, "postgres");
            if (File.Exists(initdb) && File.Exists(pgctl) && File.Exists(postgres))
            {
                found.Add(new PostgresBinaries(initdb, pgctl, postgres) { Version = ProbeVersion(postgres) });
            }
        }

        if (found.Count == 0)
        {
            throw new PostgresBinariesNotFoundException(candidates);
        }

        return Choose(found, dataDirectoryMajor);
    }

    /// <summary>
    /// The choice <see cref="Find"/> makes among binaries whose versions are known: the newest supported one (the first
    /// among equals), of <paramref name="dataDirectoryMajor"/> when given; else an error naming every version found.
    /// </summary>
    public static PostgresBinaries Choose(IReadOnlyList<PostgresBinaries> found, int? dataDirectoryMajor = null)
    {
        ArgumentNullException.ThrowIfNull(found);
        var best = found
            .Select((b, i) => (Binaries: b, Order: i))
            .Where(x => x.Binaries.Version is { } v && PostgresVersion.IsSupported(v) && (dataDirectoryMajor is null || v.Major == dataDirectoryMajor))
            .OrderByDescending(x => x.Binaries.Version)
            .ThenBy(x => x.Order)
            .Select(x => x.Binaries)
            .FirstOrDefault();
        if (best is not null)
        {
            return best;
        }

        var listed = string.Join(", ", found.Select(b => $"{(b.Version is { } v ? "PostgreSQL " + v.ToString(2) : "an unknown version")} in {b.Directory}"));
        var why = dataDirectoryMajor is { } major && major >= PostgresVersion.MinimumMajor
            ? $"the data directory was initialised by PostgreSQL {major.ToString(CultureInfo.InvariantCulture)} and needs that version's binaries " +
              "(install them, or upgrade the data directory with pg_upgrade)"
            : $"NmtPractice needs PostgreSQL {PostgresVersion.MinimumMajor.ToString(CultureInfo.InvariantCulture)} or later " +
              "(install a newer PostgreSQL server package, e.g. from the PostgreSQL project's own repository, or point the server at one with a connection string)";
        throw new UnsupportedPostgresVersionException($"No usable PostgreSQL server binaries: found {listed}; {why}.");
    }

    /// <summary>The major version in a data directory's <c>PG_VERSION</c> file; null when there is none (a new directory).</summary>
    public static int? DataDirectoryMajor(string? dataDirectory)
    {
        if (string.IsNullOrEmpty(dataDirectory))
        {
            return null;
        }

        var file = Path.Combine(dataDirectory, "PG_VERSION");
        if (!File.Exists(file))
        {
            return null;
        }

        var text = File.ReadAllText(file).Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : null;
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

    /// <summary>Runs <c>postgres --version</c> (allowed as root; it exits before the root check); null when that fails.</summary>
    private static Version? ProbeVersion(string postgres)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(postgres, "--version")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(VersionProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return PostgresVersion.ParseProgramVersion(output.GetAwaiter().GetResult());
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    private static Version? ParseVersion(string name) =>
        int.TryParse(name, out var major) ? new Version(major, 0)
        : Version.TryParse(name, out var v) ? v
        : null;
}
