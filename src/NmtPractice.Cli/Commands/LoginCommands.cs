using NmtPractice.Tokens;

namespace NmtPractice.Cli.Commands;

/// <summary>
/// <c>nmt login</c>: mints a token with the embedded server's signing key (so it runs on the server's machine, by
/// someone who can read the server's data directory) and stores it for the other commands, or prints it.
/// </summary>
internal static class LoginCommands
{
    public const string DefaultDataDirectory = "./.data/nmt";

    /// <summary>The server's data directory when --data-dir is not given (as <c>Nmt__DataDirectory</c> is for the server).</summary>
    public const string DataDirectoryVariable = "NMT_DATA_DIR";
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(31);

    public static IEnumerable<Command> Create(App app, Func<string, string?> environment, TextWriter stdout, TextWriter stderr)
    {
        var role = new Option<string>("--role")
        {
            Description = $"The role: {string.Join(", ", NmtRoles.All)} (a token minted with the server's key; or use --email)",
            HelpName = "role",
        };
        var email = Opts.Optional("--email", $"Log in with this staff account instead; the password from ${PasswordPrompt.PasswordVariable} or a prompt", "email");
        role.AcceptOnlyFromAmong([.. NmtRoles.All]);
        var clinics = Opts.Many("--clinic", "A clinic in the token's scope (not needed for chain-admin)", "id");
        var therapist = Opts.Optional("--therapist", "The therapist's id (required for the therapist role)", "id");
        var subject = Opts.Optional("--subject", "Who the token speaks for, recorded in the audit trail [default: your user name]", "name");
        var dataDir = Opts.Optional("--data-dir", $"The server's data directory, holding {NmtTokens.KeyFileName} [default: ${DataDirectoryVariable}, else {DefaultDataDirectory}]", "dir");
        var keyFile = Opts.Optional("--key-file", "The signing key file itself (instead of --data-dir)", "file");
        var ttl = Opts.Optional("--ttl", "How long the token is valid: 30m, 8h, 7d [default: 8h; at most 31d]", "duration");
        var issuer = Opts.Optional("--issuer", $"The server's Nmt:Auth:Issuer [default: {NmtTokens.DefaultIssuer}]", "issuer");
        var audience = Opts.Optional("--audience", $"The server's Nmt:Auth:Audience [default: {NmtTokens.DefaultAudience}]", "audience");
        var print = new Option<bool>("--print") { Description = "Print the token on stdout instead of writing the token file" };

        var login = new Command("login",
            "Log in with a staff account (--email), or mint a token with the embedded server's signing key (--role, on the " +
            "server's machine), and keep it for the other commands. The token goes to $XDG_CONFIG_HOME/nmt/token (else " +
            $"~/.config/nmt/token); ${TokenStore.TokenVariable} overrides it.")
            .With(email, role, clinics, therapist, subject, dataDir, keyFile, ttl, issuer, audience, print);
        var withAccount = app.Run(async (ctx, r, ct) =>
        {
            var password = await PasswordPrompt.ReadAsync(environment, stderr, "Password: ");
            var pair = await ctx.Accounts.LoginAsync(new LoginRequest { Email = r.GetValue(email)!, Password = password }, ctx.Call(ct));
            await KeepAsync(pair.AccessToken, r.GetValue(print), environment, stdout,
                $"Logged in as {pair.User.Email} ({pair.User.Role}) until {pair.AccessTokenExpiresAt.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        });
        login.SetAction(async (r, ct) =>
        {
            if (r.GetValue(email) is { Length: > 0 })
            {
                if (r.GetValue(role) is { Length: > 0 })
                {
                    await stderr.WriteAsync(Output.ErrorReport.From(new CliUsageException("--email", "Give either --email (a staff account) or --role (a token minted with the key), not both.")).ToText());
                    return ExitCodes.Usage;
                }
                return await withAccount(r, ct);
            }
            try
            {
                if (r.GetValue(role) is not { Length: > 0 })
                {
                    throw new CliUsageException("--role", "Give --email EMAIL (a staff account) or --role ROLE (a token minted with the server's key).");
                }
                var lifetime = ParseLifetime(r.GetValue(ttl));
                var path = r.GetValue(keyFile) is { Length: > 0 } file
                    ? file
                    : SigningKeyFile.PathIn(
                        r.GetValue(dataDir) is { Length: > 0 } dir ? dir
                        : environment(DataDirectoryVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
                        : DefaultDataDirectory);
                if (!File.Exists(path))
                {
                    throw new CliUsageException(r.GetValue(keyFile) is null ? "--data-dir" : "--key-file",
                        $"No signing key at {Path.GetFullPath(path)}: start the server once (it creates the key in its data " +
                        "directory) or pass the server's --data-dir. A cluster's tokens come from its identity provider.");
                }
                var key = SigningKeyFile.Read(path);
                var who = new TokenSubject(
                    r.GetValue(subject) is { Length: > 0 } s ? s : DefaultSubject(environment),
                    r.GetValue(role)!,
                    r.GetValue(clinics) ?? [],
                    r.GetValue(therapist));
                var now = DateTimeOffset.UtcNow;
                string token;
                try
                {
                    token = TokenMinter.Mint(key, who, now, lifetime,
                        r.GetValue(issuer) is { Length: > 0 } i ? i : NmtTokens.DefaultIssuer,
                        r.GetValue(audience) is { Length: > 0 } a ? a : NmtTokens.DefaultAudience);
                }
                catch (ArgumentException e)
                {
                    throw new CliUsageException(who.Role == NmtRoles.Therapist ? "--therapist" : "--role", e.Message.Split(" (Parameter", 2)[0]);
                }
                var scope = who.Role == NmtRoles.ChainAdmin ? "every clinic" : who.ClinicIds.Count == 0 ? "no clinic" : string.Join(", ", who.ClinicIds);
                await KeepAsync(token, r.GetValue(print), environment, stdout,
                    $"Logged in as {who.Subject} ({who.Role}; {scope}{(who.TherapistId is null ? "" : $"; therapist {who.TherapistId}")}) " +
                    $"until {(now + lifetime).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is CliUsageException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                var report = Output.ErrorReport.From(e is UnauthorizedAccessException ? new IOException(e.Message, e) : e);
                await stderr.WriteAsync(report.ToText());
                return report.ExitCode;
            }
        });
        yield return login;
    }

    /// <summary>Prints the token (--print) or writes it to the token file and says so.</summary>
    private static async Task KeepAsync(string token, bool print, Func<string, string?> environment, TextWriter stdout, string loggedIn)
    {
        if (print)
        {
            await stdout.WriteLineAsync(token);
            return;
        }
        var tokenPath = TokenStore.FilePath(environment)
            ?? throw new CliUsageException("--print", "No configuration directory (set XDG_CONFIG_HOME or HOME), or use --print.");
        TokenStore.Save(tokenPath, token);
        await stdout.WriteLineAsync($"{loggedIn}. Token written to {tokenPath}.");
    }

    private static string DefaultSubject(Func<string, string?> environment) =>
        environment("USER") is { Length: > 0 } user ? user : Environment.UserName is { Length: > 0 } name ? name : "nmt-cli";

    /// <summary>"30m", "8h", "7d" (or a whole number of minutes); positive and at most <see cref="MaxLifetime"/>.</summary>
    public static TimeSpan ParseLifetime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TimeSpan.FromHours(8);
        }
        text = text.Trim().ToLowerInvariant();
        var (digits, unit) = char.IsAsciiLetter(text[^1]) ? (text[..^1], text[^1]) : (text, 'm');
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new CliUsageException("--ttl", $"--ttl: '{text}' is not a duration such as 30m, 8h or 7d.");
        }
        var lifetime = unit switch
        {
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => throw new CliUsageException("--ttl", $"--ttl: unit '{unit}' is not m, h or d."),
        };
        return lifetime <= MaxLifetime ? lifetime : throw new CliUsageException("--ttl", $"--ttl: at most {MaxLifetime.TotalDays} days.");
    }
}
