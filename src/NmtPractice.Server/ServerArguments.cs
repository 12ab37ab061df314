namespace NmtPractice.Server;

/// <summary>
/// The command line: an optional command (<c>serve</c>, <c>migrate</c>, <c>demo</c>, <c>seed</c>, <c>backup</c>, <c>restore</c>) and .NET configuration
/// arguments (<c>--Nmt:SiloPort 11112</c>, <c>--urls http://127.0.0.1:5081</c>, <c>--ConnectionStrings:Nmt "..."</c>),
/// plus the shorthands <c>--data-dir DIR</c>, <c>--role ROLE</c>, <c>--connection-string CS</c>, <c>--out FILE</c> and
/// <c>--from FILE</c> (backup, restore) and the flags <c>--demo</c> and <c>--force</c> (restore over data).
/// </summary>
public static class ServerArguments
{
    private static readonly Dictionary<string, string> Shorthands = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--data-dir"] = "--Nmt:DataDirectory",
        ["--role"] = "--Nmt:Role",
        ["--connection-string"] = "--ConnectionStrings:Nmt",
        ["--out"] = "--" + Backup.BackupCommand.FileKey,
        ["--from"] = "--" + Backup.BackupCommand.FileKey,
    };

    public static ServerCommand Command(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Length > 0 && !args[0].StartsWith('-') && Enum.TryParse<ServerCommand>(args[0], ignoreCase: true, out var command)
            ? command
            : ServerCommand.Serve;
    }

    /// <summary>The arguments for the configuration system: the command word dropped, shorthands expanded.</summary>
    public static string[] Normalize(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new List<string>(args.Length + 1);
        var start = args.Length > 0 && !args[0].StartsWith('-') && Enum.TryParse<ServerCommand>(args[0], ignoreCase: true, out _) ? 1 : 0;
        for (var i = start; i < args.Length; i++)
        {
            var arg = args[i];
            if (string.Equals(arg, "--demo", StringComparison.OrdinalIgnoreCase))
            {
                result.Add("--Nmt:Demo=true");
                continue;
            }
            if (string.Equals(arg, "--force", StringComparison.OrdinalIgnoreCase))
            {
                result.Add("--" + Backup.BackupCommand.ForceKey + "=true");
                continue;
            }
            var (name, value) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            if (Shorthands.TryGetValue(name, out var key))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Length)
                    {
                        throw new ArgumentException($"{name} needs a value.", nameof(args));
                    }
                    value = args[++i];
                }
                result.Add($"{key}={value}");
                continue;
            }
            result.Add(arg);
        }
        return [.. result];
    }
}
