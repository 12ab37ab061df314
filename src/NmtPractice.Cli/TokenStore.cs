namespace NmtPractice.Cli;

/// <summary>
/// Where <c>nmt</c> keeps its bearer token: <c>$NMT_TOKEN</c> wins; otherwise the token file
/// <c>$XDG_CONFIG_HOME/nmt/token</c> (else <c>~/.config/nmt/token</c>), written by <c>nmt login</c>, readable by its owner only.
/// </summary>
public static class TokenStore
{
    public const string TokenVariable = "NMT_TOKEN";

    /// <summary>The token file's path, or null when neither XDG_CONFIG_HOME nor a home directory is known.</summary>
    public static string? FilePath(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var config = environment("XDG_CONFIG_HOME");
        if (string.IsNullOrWhiteSpace(config))
        {
            var home = environment("HOME");
            if (string.IsNullOrWhiteSpace(home))
            {
                home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            }
            if (string.IsNullOrWhiteSpace(home))
            {
                return null;
            }
            config = Path.Combine(home, ".config");
        }
        return Path.Combine(config, "nmt", "token");
    }

    /// <summary>The token to send: $NMT_TOKEN, else the token file's content, else null (the server will ask for one).</summary>
    public static string? Load(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment(TokenVariable) is { } variable && !string.IsNullOrWhiteSpace(variable))
        {
            return variable.Trim();
        }
        var path = FilePath(environment);
        if (path is null || !File.Exists(path))
        {
            return null;
        }
        var text = File.ReadAllText(path).Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>Writes the token file (its directory created if needed), readable and writable by the owner only.</summary>
    public static void Save(string path, string token)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Tokens.SigningKeyFile.WritePrivate(path, token + "\n");
    }
}
