using System.Security.Cryptography;

namespace NmtPractice.Tokens;

/// <summary>
/// A symmetric signing key kept in a file as base64 text (one line). The embedded server creates one with 256 random
/// bits, readable and writable by its owner only (0600), on first start and reuses it; <c>nmt login</c> reads it.
/// </summary>
public static class SigningKeyFile
{
    /// <summary>The key file of a server data directory.</summary>
    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, NmtTokens.KeyFileName);

    /// <summary>Reads a key file; a missing, unreadable or too short key is an error that names the file.</summary>
    public static byte[] Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot read the signing key file {path}: {e.Message}", e);
        }
        return Decode(text, $"the signing key file {path}");
    }

    /// <summary>A base64 key (from configuration or a file) of at least 256 bits; <paramref name="source"/> names it in errors.</summary>
    public static byte[] Decode(string base64, string source)
    {
        ArgumentNullException.ThrowIfNull(base64);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{source} is not base64 text.", e);
        }
        if (key.Length < NmtTokens.MinKeyBytes)
        {
            throw new InvalidOperationException(
                $"{source} holds a {key.Length * 8}-bit key; HMAC-SHA256 needs at least {NmtTokens.MinKeyBytes * 8} bits.");
        }
        return key;
    }

    /// <summary>Reads the key file, or creates it (owner read/write only) with a new random 256-bit key.</summary>
    public static byte[] ReadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Read(path);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(NmtTokens.MinKeyBytes);
        try
        {
            WritePrivate(path, Convert.ToBase64String(key) + "\n", overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            return Read(path);
        }
    }

    /// <summary>Writes a file only its owner can read and write (0600 on Unix), atomically replacing an old one.</summary>
    public static void WritePrivate(string path, string content, bool overwrite = true)
    {
        ArgumentNullException.ThrowIfNull(content);
        var options = new FileStreamOptions { Mode = overwrite ? FileMode.Create : FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        if (!overwrite)
        {
            using var created = new StreamWriter(path, System.Text.Encoding.ASCII, options);
            created.Write(content);
            return;
        }
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        options.Mode = FileMode.CreateNew;
        using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
        {
            writer.Write(content);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
