using NmtPractice.Api.V1;
using NmtPractice.Cli;
using NmtPractice.Cli.Commands;
using Spectre.Console.Testing;

namespace NmtPractice.Cli.Tests;

/// <summary>`nmt events watch`: the line printed per event, the options, and a bad cursor refused before any call.</summary>
public sealed class EventCommandTests
{
    private const string NoServer = "http://127.0.0.1:1";

    private static EventEnvelope Booked() => new()
    {
        Cursor = 1841, Id = "3d9a", Type = "nmt.appointment.booked.v1", Source = "/nmt/clinics/soho", Subject = "6f1c",
        Time = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 6, 1, 8, 2, 11, TimeSpan.Zero)),
        DataJson = "{\"appointment_id\": \"6f1c\"}",
        CloudEventJson = "{\"specversion\":\"1.0\",\"id\":\"3d9a\"}",
    };

    [Fact]
    public void A_line_starts_with_the_cursor_to_resume_after_and_json_prints_the_cloud_event()
    {
        Assert.Equal("1841 2026-06-01T08:02:11Z nmt.appointment.booked.v1 6f1c {\"appointment_id\": \"6f1c\"}", EventCommands.Line(Booked(), json: false));
        Assert.Equal("{\"specversion\":\"1.0\",\"id\":\"3d9a\"}", EventCommands.Line(Booked(), json: true));
    }

    [Theory]
    [InlineData("events watch")]
    [InlineData("events watch --after 1847 --type nmt.appointment.no_show.v1 --clinic soho,kensington")]
    [InlineData("events watch --type nmt.appointment.booked.v1 --type nmt.appointment.cancelled.v1 --replay-only")]
    public void Every_documented_watch_command_line_parses(string commandLine)
    {
        var app = new App(TextWriter.Null, TextWriter.Null, _ => null, new TestConsole());
        Assert.Empty(app.Root.Parse(commandLine.Split(' ')).Errors);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("latest")]
    public async Task A_bad_cursor_exits_2_naming_after_before_calling_the_server(string after)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var app = new App(stdout, stderr, _ => null, new TestConsole());
        var code = await app.RunAsync(["events", "watch", "--after", after, "--server", NoServer]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("field: --after", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
    }
}
