using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using NmtPractice.Cli.Commands;

namespace NmtPractice.Cli;

/// <summary>
/// The `nmt` command tree, its global options (--server, --json, --timeout) and the one place where a command's
/// outcome becomes an exit code and an error report on stderr.
/// </summary>
public sealed class App
{
    public const string DefaultServer = "http://127.0.0.1:5080";
    public const string ServerVariable = "NMT_SERVER";

    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly Func<string, string?> _environment;
    private readonly IAnsiConsole _console;

    public App(TextWriter stdout, TextWriter stderr, Func<string, string?> environment, IAnsiConsole? console = null)
    {
        _stdout = stdout;
        _stderr = stderr;
        _environment = environment;
        _console = console ?? StandardConsole(stdout, environment);
        Root = new RootCommand(
            "nmt: the NmtPractice command line for front desks and managers. Talks to an NmtPractice server over gRPC.\n" +
            "Times you type without an offset (2026-12-01T10:00) are read in the clinic's time zone; tables show times\n" +
            "on the clinic's clock with the zone named. Exit codes: 0 ok, 1 other error, 2 invalid input, 3 not found,\n" +
            "4 refused by a booking rule or conflict, 5 server unavailable or too slow, 6 not logged in or not allowed.\n" +
            "Every call needs a token: `nmt login --email EMAIL` with a staff account, `nmt login --role ROLE` on the\n" +
            "server's machine, or $NMT_TOKEN.")
        {
            ServerOption, JsonOption, TimeoutOption,
        };
        foreach (var command in ClinicCommands.Create(this)
            .Concat(StaffCommands.Create(this))
            .Concat(ClientCommands.Create(this))
            .Concat(BookingCommands.Create(this))
            .Concat(ScheduleCommands.Create(this))
            .Concat(ReportCommands.Create(this))
            .Concat(RecordCommands.Create(this))
            .Concat(UserCommands.Create(this, environment, stderr))
            .Concat(LoginCommands.Create(this, environment, stdout, stderr)))
        {
            Root.Add(command);
        }
    }

    public RootCommand Root { get; }

    /// <summary>
    /// Spectre's console over stdout. On a terminal it measures the window; redirected (a pipe, a file) it would assume
    /// 80 columns and wrap ids, so it takes $COLUMNS or 200 instead.
    /// </summary>
    private static IAnsiConsole StandardConsole(TextWriter stdout, Func<string, string?> environment)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = int.TryParse(environment("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 0 ? columns : 200;
        }
        return console;
    }

    public Option<string?> ServerOption { get; } = new("--server", "-s")
    {
        Description = $"Server address [env: {ServerVariable}; default: {DefaultServer}]",
        HelpName = "url",
        Recursive = true,
    };

    public Option<bool> JsonOption { get; } = new("--json")
    {
        Description = "Print the API's protobuf JSON instead of tables (errors as google.rpc.Status JSON on stderr)",
        Recursive = true,
    };

    public Option<int> TimeoutOption { get; } = new("--timeout")
    {
        Description = "Seconds to wait for each call",
        HelpName = "seconds",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    /// <summary>Parses and runs; a command line that does not parse exits 2 with the errors on stderr.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken ct = default)
    {
        var result = Root.Parse(args);
        if (result.Action is ParseErrorAction && result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await _stderr.WriteLineAsync($"error: {error.Message}");
            }
            await _stderr.WriteLineAsync($"Try '{CommandPath(result.CommandResult)} --help'.");
            return ExitCodes.Usage;
        }
        return await result.InvokeAsync(new InvocationConfiguration { Output = _stdout, Error = _stderr }, ct);
    }

    private static string CommandPath(CommandResult? command)
    {
        var names = new List<string>();
        for (var c = command; c is not null; c = c.Parent as CommandResult)
        {
            names.Insert(0, c.Command is RootCommand ? "nmt" : c.Command.Name);
        }
        return names.Count == 0 ? "nmt" : string.Join(' ', names);
    }

    /// <summary>The server address: --server, else NMT_SERVER, else the embedded default's.</summary>
    public string ServerText(ParseResult result) =>
        result.GetValue(ServerOption) is { Length: > 0 } s ? s
        : _environment(ServerVariable) is { Length: > 0 } e ? e
        : DefaultServer;

    /// <summary>Wraps a command body: builds the context, runs it, and maps any failure to its exit code and report.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> Run(Func<CliContext, ParseResult, CancellationToken, Task> body) =>
        async (result, ct) =>
        {
            var json = result.GetValue(JsonOption);
            var server = ServerText(result);
            try
            {
                var uri = Args.Server(server, "--server");
                var seconds = result.GetValue(TimeoutOption);
                if (seconds <= 0)
                {
                    throw new CliUsageException("--timeout", "--timeout: give a positive number of seconds.");
                }
                using var context = new CliContext(uri, json, TimeSpan.FromSeconds(seconds), _stdout, _console, TokenStore.Load(_environment));
                await body(context, result, ct);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is RpcException or CliUsageException or OperationCanceledException or HttpRequestException or IOException or FormatException or InvalidOperationException or Google.Protobuf.InvalidJsonException)
            {
                var report = ErrorReport.From(ex);
                await _stderr.WriteAsync(json ? report.ToJson() + "\n" : report.ToText(server));
                return report.ExitCode;
            }
        };
}
