using Google.Protobuf.WellKnownTypes;
using NmtPractice.Api.V1;
using NmtPractice.Cli;
using NmtPractice.Cli.Output;
using NodaTime;
using Spectre.Console.Testing;

namespace NmtPractice.Cli.Tests;

/// <summary>`nmt records ...` and `nmt audit`: parsing, local refusals, and the audit table.</summary>
public sealed class RecordCommandTests
{
    private const string NoServer = "http://127.0.0.1:1";

    private static async Task<(int ExitCode, string Err)> Nmt(string commandLine)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var app = new App(stdout, stderr, _ => null, new TestConsole().Width(160));
        var code = await app.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return (code, stderr.ToString());
    }

    [Theory]
    [InlineData("records show c1")]
    [InlineData("records intake c1 --history whiplash --contraindication recent-surgery --contraindication pregnancy")]
    [InlineData("records consent c1 treatment")]
    [InlineData("records withdraw-consent c1 0b9a3c8e-5c43-4c1e-9a43-2a8f8f8f8f8f")]
    [InlineData("records notes c1")]
    [InlineData("records note c1 0b9a3c8e-5c43-4c1e-9a43-2a8f8f8f8f8f --version 1")]
    [InlineData("records note-create c1 --appointment a1 --complaint neck --symptom tingling --pain-before 7 --trigger-point scalenes:right:anterior:thumb --tool t-bar")]
    [InlineData("records note-update c1 n1 --pain-after 3 --pressure-seconds 30")]
    [InlineData("records note-sign c1 n1")]
    [InlineData("records note-amend c1 n1 --reason typo --complaint neck --pain-before 7 --pain-after 2")]
    [InlineData("records progress c1")]
    [InlineData("records erase c1 --yes")]
    [InlineData("audit --client c1 --action note.sign --from 2026-11-01T00:00Z --limit 20")]
    public void Every_record_command_line_parses(string commandLine)
    {
        var app = new App(TextWriter.Null, TextWriter.Null, _ => null, new TestConsole());
        Assert.Empty(app.Root.Parse(commandLine.Split(' ')).Errors);
    }

    [Fact]
    public async Task Erase_without_yes_exits_2_before_calling_the_server()
    {
        var (code, err) = await Nmt($"records erase c1 --server {NoServer}");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--yes", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_trigger_point_exits_2() =>
        Assert.Equal(ExitCodes.Usage, (await Nmt($"records note-create c1 --appointment a1 --trigger-point scalenes --server {NoServer}")).ExitCode);

    [Fact]
    public async Task Record_commands_call_the_server() =>
        Assert.Equal(ExitCodes.Unavailable, (await Nmt($"records show c1 --server {NoServer}")).ExitCode);

    [Fact]
    public void The_audit_table_names_actor_role_action_and_zone()
    {
        var console = new TestConsole().Width(200);
        RecordTables.Audit(console, [new AuditEntry
        {
            Id = 7, At = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)), Actor = "tess", Role = "therapist",
            ClinicId = "soho", Action = "note.sign", TargetKind = "note", TargetId = "n1", ClientId = "c1", Outcome = "ok", Source = "ipv4:127.0.0.1:5000",
        }], DateTimeZoneProviders.Tzdb["Europe/London"], more: false);
        Assert.Contains("note.sign", console.Output, StringComparison.Ordinal);
        Assert.Contains("therapist", console.Output, StringComparison.Ordinal);
        Assert.Contains("Europe/London", console.Output, StringComparison.Ordinal);
    }
}
