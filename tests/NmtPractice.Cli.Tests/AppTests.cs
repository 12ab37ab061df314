using System.Text.Json;
using NmtPractice.Cli;
using NmtPractice.Cli.Commands;
using NodaTime;
using Spectre.Console.Testing;

namespace NmtPractice.Cli.Tests;

/// <summary>The whole command line, without a server: parsing, help, and the exit code of each kind of failure.</summary>
public sealed class AppTests
{
    // Nothing listens on port 1 of the loopback: the connection is refused at once.
    private const string NoServer = "http://127.0.0.1:1";

    private sealed record Run(int ExitCode, string Out, string Err, string Console);

    private static async Task<Run> Nmt(string commandLine, Dictionary<string, string>? env = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new TestConsole().Width(160);
        var app = new App(stdout, stderr, name => env?.GetValueOrDefault(name), console);
        var code = await app.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return new Run(code, stdout.ToString(), stderr.ToString(), console.Output);
    }

    [Theory]
    [InlineData("clinics list")]
    [InlineData("clinics create soho --name Soho --zone Europe/London --hours mon-fri=09:00-18:00 --hours sat=10:00-14:00")]
    [InlineData("rooms upsert r1 --clinic soho --feature quiet --feature hydraulic-table")]
    [InlineData("services upsert nmt60 --clinic soho --name NMT --minutes 60 --turnover 15 --price-minor 6500")]
    [InlineData("hours set --clinic soho mon-fri=09:00-18:00 sat=10:00-14:00")]
    [InlineData("closures add --clinic soho --from 2026-12-24 --to 2026-12-26 --reason Christmas")]
    [InlineData("therapists roster set anna --clinic soho --shift mon-fri=09:00-17:00")]
    [InlineData("therapists leave add anna --from 2026-12-01T00:00 --to 2026-12-03T00:00 --sick")]
    [InlineData("therapists exception remove anna leave-1")]
    [InlineData("travel set --default 30 --pair soho:camden=20")]
    [InlineData("clients register --given Ada --family Lovelace")]
    [InlineData("clients search --name ada --phone 020")]
    [InlineData("clients search ada@example.org")]
    [InlineData("availability --clinic soho --service nmt60 --from 2026-12-01 --to 2026-12-07 --therapist anna")]
    [InlineData("book --clinic soho --service nmt60 --client c1 --at 2026-12-01T10:00 --request-id r-1")]
    [InlineData("hold --clinic soho --service nmt60 --client c1 --at 2026-12-01T10:00Z --minutes 10")]
    [InlineData("reschedule a1 --at 2026-12-01T11:00 --zone Europe/London")]
    [InlineData("cancel a1 --reason ill")]
    [InlineData("day --clinic soho --date 2026-12-01 --json")]
    [InlineData("therapist-week --therapist anna --from 2026-11-30 --days 14")]
    [InlineData("client-appointments --client c1 --from 2026-01-01")]
    [InlineData("therapists sick --therapist anna --from 2026-12-01T00:00 --to 2026-12-02T00:00 --reason flu --apply")]
    [InlineData("therapists sick --therapist anna --from 2026-12-01T00:00Z --to 2026-12-08T00:00Z --leave --reach 0")]
    [InlineData("therapists roster set anna --clinic soho --shift mon-fri=12:00-17:00 --stranded cover")]
    [InlineData("therapists leave add anna --from 2026-12-01T00:00 --to 2026-12-03T00:00 --stranded cancel")]
    [InlineData("cover show 0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("cover apply 0f8fad5b-d9cb-469f-a165-70867728950e --appointment a1 --appointment a2")]
    [InlineData("login --role front-desk --clinic soho --clinic camden --ttl 8h --data-dir .data/nmt")]
    [InlineData("login --role therapist --therapist anna --print")]
    public void Every_documented_command_line_parses(string commandLine)
    {
        var app = new App(TextWriter.Null, TextWriter.Null, _ => null, new TestConsole());
        var result = app.Root.Parse(commandLine.Split(' '));
        Assert.Empty(result.Errors);
    }

    [Fact]
    public async Task Help_reads_well_and_exits_0()
    {
        var run = await Nmt("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Exit codes: 0 ok", run.Out, StringComparison.Ordinal);
        Assert.Contains("availability", run.Out, StringComparison.Ordinal);
        Assert.Contains("NMT_SERVER", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_required_options_exit_2_with_errors_on_stderr()
    {
        var run = await Nmt("book --clinic soho");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--service", run.Err, StringComparison.Ordinal);
        Assert.Contains("Try 'nmt book --help'.", run.Err, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Unknown_command_exits_2() => Assert.Equal(ExitCodes.Usage, (await Nmt("frobnicate")).ExitCode);

    [Fact]
    public async Task Malformed_time_exits_2_before_calling_the_server()
    {
        var run = await Nmt($"book --server {NoServer} --clinic soho --service s --client c --at 10am");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("field: --at", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_server_address_exits_2() =>
        Assert.Equal(ExitCodes.Usage, (await Nmt("clinics list --server localhost")).ExitCode);

    [Fact]
    public async Task Unreachable_server_exits_5()
    {
        var run = await Nmt($"clinics list --server {NoServer}");
        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Contains("UNAVAILABLE", run.Err, StringComparison.Ordinal);
        Assert.Contains(NoServer, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_address_comes_from_the_environment()
    {
        var run = await Nmt("clinics list", new Dictionary<string, string> { [App.ServerVariable] = NoServer });
        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Contains(NoServer, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_mode_reports_errors_as_status_json()
    {
        var run = await Nmt($"book --json --server {NoServer} --clinic soho --service s --client c --at 2026-12-01T10:00Z");
        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Err);
        Assert.Equal(14, doc.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Search_without_criteria_exits_2() =>
        Assert.Equal(ExitCodes.Usage, (await Nmt($"clients search --server {NoServer}")).ExitCode);

    [Fact]
    public async Task Zero_timeout_exits_2() => Assert.Equal(ExitCodes.Usage, (await Nmt($"clinics list --timeout 0 --server {NoServer}")).ExitCode);

    [Fact]
    public void Request_ids_are_generated_unless_given()
    {
        Assert.Equal("mine", CliContext.RequestId(" mine "));
        var a = CliContext.RequestId(null);
        Assert.True(Guid.TryParse(a, out _));
        Assert.NotEqual(a, CliContext.RequestId(""));
    }

    [Fact]
    public void Client_appointment_bounds_read_dates_as_midnight_in_the_zone()
    {
        var london = DateTimeZoneProviders.Tzdb["Europe/London"];
        Assert.Equal(Instant.FromUtc(2026, 6, 30, 23, 0), ScheduleCommands.Bound("2026-07-01", london, "--from"));
        Assert.Equal(Instant.FromUtc(2026, 7, 1, 8, 0), ScheduleCommands.Bound("2026-07-01T09:00", london, "--from"));
    }

    [Fact]
    public async Task Pages_are_followed_until_the_last_or_the_limit()
    {
        var pages = new Dictionary<string, (int[] Items, string Next)> { [""] = ([1, 2], "b"), ["b"] = ([3, 4], "c"), ["c"] = ([5], "") };
        var all = await Opts.Pages(t => Task.FromResult(pages[t]), p => p.Items, p => p.Next);
        Assert.Equal([1, 2, 3, 4, 5], all.Items);
        Assert.False(all.More);
        var limited = await Opts.Pages(t => Task.FromResult(pages[t]), p => p.Items, p => p.Next, limit: 3);
        Assert.Equal([1, 2, 3], limited.Items);
        Assert.True(limited.More);
    }
}
