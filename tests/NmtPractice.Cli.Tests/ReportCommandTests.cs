using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using NmtPractice.Api.V1;
using NmtPractice.Cli;
using NmtPractice.Cli.Commands;
using NmtPractice.Cli.Output;
using NmtPractice.Cli.Parsing;
using Spectre.Console.Testing;

namespace NmtPractice.Cli.Tests;

/// <summary>`nmt report`: rendering of canned ReportService answers (tables, charts, the SVG heatmap) and argument errors.</summary>
public sealed class ReportCommandTests
{
    private const string NoServer = "http://127.0.0.1:1";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static TestConsole Console() => new TestConsole().Width(200);

    private static RoomUtilisationRow Row(string clinic, string room, string start, string end, long open, long treatment, long turnover, int appointments) => new()
    {
        ClinicId = clinic, RoomId = room, BucketStart = start, BucketEnd = end, OpenMinutes = open, TreatmentMinutes = treatment,
        TurnoverMinutes = turnover, Appointments = appointments, Utilisation = open == 0 ? 0 : (double)treatment / open,
    };

    private static RoomUtilisationReport RoomReport(params string[] clinics)
    {
        var report = new RoomUtilisationReport { FromDate = "2026-11-30", ToDate = "2026-12-01", Bucket = ReportBucket.Day };
        foreach (var clinic in clinics)
        {
            report.ClinicIds.Add(clinic);
            report.Rooms.Add(Row(clinic, "r1", "2026-11-30", "2026-11-30", 600, 300, 60, 4));
            report.Rooms.Add(Row(clinic, "r1", "2026-12-01", "2026-12-01", 600, 150, 30, 2));
            report.Rooms.Add(Row(clinic, "r2", "2026-11-30", "2026-11-30", 600, 0, 0, 0));
            report.Rooms.Add(Row(clinic, "r2", "2026-12-01", "2026-12-01", 600, 540, 90, 6));
            report.Clinics.Add(Row(clinic, "", "2026-11-30", "2026-11-30", 1200, 300, 60, 4));
            report.Clinics.Add(Row(clinic, "", "2026-12-01", "2026-12-01", 1200, 690, 120, 8));
        }
        report.Chain.Add(Row("", "", "2026-11-30", "2026-11-30", 1200 * clinics.Length, 300 * clinics.Length, 60 * clinics.Length, 4 * clinics.Length));
        report.Chain.Add(Row("", "", "2026-12-01", "2026-12-01", 1200 * clinics.Length, 690 * clinics.Length, 120 * clinics.Length, 8 * clinics.Length));
        return report;
    }

    [Fact]
    public void Room_report_shows_each_room_and_bucket_the_totals_and_a_chart_per_room()
    {
        var console = Console();
        ReportViews.RoomUtilisation(console, RoomReport("soho"));
        var lines = console.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("soho", StringComparison.Ordinal) && l.Contains("r2", StringComparison.Ordinal)
            && l.Contains("2026-12-01", StringComparison.Ordinal) && l.Contains("10h", StringComparison.Ordinal)
            && l.Contains("9h", StringComparison.Ordinal) && l.Contains("1h 30m", StringComparison.Ordinal) && l.Contains("90.0%", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("all clinics", StringComparison.Ordinal) && l.Contains("57.5%", StringComparison.Ordinal));
        Assert.Contains("by day", console.Output, StringComparison.Ordinal);
        // The chart: one bar per room over the whole period: r1 450/1200 = 37.5%, r2 540/1200 = 45%.
        Assert.Contains("Utilisation by room", console.Output, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("r1", StringComparison.Ordinal) && l.Contains('█') && l.Contains("37.5%", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("r2", StringComparison.Ordinal) && l.Contains('█') && l.Contains("45.0%", StringComparison.Ordinal));
    }

    [Fact]
    public void Room_report_of_several_clinics_charts_each_clinic()
    {
        var console = Console();
        ReportViews.RoomUtilisation(console, RoomReport("camden", "soho"));
        var lines = console.Output.Split('\n');
        Assert.Contains("Utilisation by clinic", console.Output, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("camden", StringComparison.Ordinal) && l.Contains("41.3%", StringComparison.Ordinal) && l.Contains('█'));
    }

    [Fact]
    public void Therapist_report_shows_rows_and_a_chart_per_therapist_and_clinic()
    {
        var report = new TherapistUtilisationReport { FromDate = "2026-11-01", ToDate = "2026-11-30", Bucket = ReportBucket.Week };
        report.Rows.Add(new TherapistUtilisationRow { TherapistId = "anna", ClinicId = "soho", BucketStart = "2026-11-01", BucketEnd = "2026-11-01", RosteredMinutes = 480, BookedMinutes = 240, Appointments = 4 });
        report.Rows.Add(new TherapistUtilisationRow { TherapistId = "anna", ClinicId = "soho", BucketStart = "2026-11-02", BucketEnd = "2026-11-08", RosteredMinutes = 2400, BookedMinutes = 1800, Appointments = 30 });
        report.Rows.Add(new TherapistUtilisationRow { TherapistId = "ben", ClinicId = "soho", BucketStart = "2026-11-02", BucketEnd = "2026-11-08", RosteredMinutes = 0, BookedMinutes = 0 });
        var console = Console();
        ReportViews.TherapistUtilisation(console, report);
        var lines = console.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("anna", StringComparison.Ordinal) && l.Contains("2026-11-02 – 2026-11-08", StringComparison.Ordinal)
            && l.Contains("40h", StringComparison.Ordinal) && l.Contains("30h", StringComparison.Ordinal) && l.Contains("75.0%", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ben", StringComparison.Ordinal) && l.Contains("0.0%", StringComparison.Ordinal));
        Assert.Contains("by week", console.Output, StringComparison.Ordinal);
        // 2040 booked of 2880 rostered over the period.
        Assert.Contains(lines, l => l.Contains("anna @ soho", StringComparison.Ordinal) && l.Contains("70.8%", StringComparison.Ordinal) && l.Contains('█'));
    }

    [Fact]
    public void Summary_table_shows_counts_rates_and_revenue()
    {
        var console = Console();
        ReportViews.Summaries(console,
        [
            new ClinicSummary
            {
                ClinicId = "soho", FromDate = "2026-11-01", ToDate = "2026-11-30", Booked = 3, Fulfilled = 9, CancelledInTime = 2,
                CancelledLate = 1, NoShows = 1, Total = 16, UniqueClients = 7, NewClients = 2, RevenueMinor = 58500, NoShowRate = 0.1,
            },
        ]);
        var lines = console.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("soho", StringComparison.Ordinal) && l.Contains("16", StringComparison.Ordinal)
            && l.Contains("10.0%", StringComparison.Ordinal) && l.Contains("585.00", StringComparison.Ordinal));
        Assert.Contains("2026-11-01 to 2026-11-30", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Comparison_puts_clinics_side_by_side_with_a_chart()
    {
        var response = new CompareClinicsResponse { FromDate = "2026-11-01", ToDate = "2026-11-30" };
        foreach (var (id, treatment) in new[] { ("camden", 300L), ("soho", 900L) })
        {
            response.Clinics.Add(new ClinicComparison
            {
                ClinicId = id, ClinicName = "NMT " + id, RoomUtilisation = Row(id, "", "2026-11-01", "2026-11-30", 1200, treatment, 100, 5),
                RosteredMinutes = 1000, TherapistBookedMinutes = treatment, Summary = new ClinicSummary { ClinicId = id, Total = 5, Fulfilled = 4, NoShows = 1, RevenueMinor = 26000 },
            });
        }
        var console = Console();
        ReportViews.Comparison(console, response);
        var lines = console.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("NMT soho", StringComparison.Ordinal) && l.Contains("75.0%", StringComparison.Ordinal)
            && l.Contains("90.0%", StringComparison.Ordinal) && l.Contains("20.0%", StringComparison.Ordinal) && l.Contains("260.00", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("camden", StringComparison.Ordinal) && l.Contains("25.0%", StringComparison.Ordinal) && l.Contains('█'));
    }

    private static OccupancyHeatmap Heatmap()
    {
        var heatmap = new OccupancyHeatmap
        {
            ClinicId = "soho", ClinicName = "NMT <Soho> & Co", TimeZone = "Europe/London", FromDate = "2026-11-02", ToDate = "2026-11-29",
        };
        for (var day = 1; day <= 7; day++)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                var open = day <= 5 && hour is >= 9 and < 17 ? 4 * 3 * 60L : 0;
                var treatment = open == 0 ? 0 : (day * 60L) + (hour * 10);
                heatmap.Cells.Add(new HeatmapCell
                {
                    Weekday = (Api.V1.DayOfWeek)day, Hour = hour, OpenRoomMinutes = open, TreatmentMinutes = treatment,
                    Occupancy = open == 0 ? 0 : (double)treatment / open,
                });
            }
        }
        return heatmap;
    }

    [Fact]
    public void Heatmap_svg_is_well_formed_with_7_by_24_cells_and_the_values_in_tooltips()
    {
        var doc = XDocument.Parse(HeatmapSvg.Render(Heatmap()));
        var root = doc.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Empty(root.Descendants(Svg + "script"));
        Assert.DoesNotContain(root.Descendants(), e => e.Attributes().Any(a => a.Name.LocalName == "href"));
        var title = root.Element(Svg + "title")!.Value;
        Assert.Equal("Occupancy by weekday and hour: NMT <Soho> & Co (soho), 2026-11-02 to 2026-11-29", title);
        Assert.Contains(root.Descendants(Svg + "text"), t => t.Value == "NMT <Soho> & Co (soho): occupancy by weekday and hour");
        Assert.Contains(root.Descendants(Svg + "text"), t => t.Value.StartsWith("2026-11-02 to 2026-11-29 · ", StringComparison.Ordinal) && t.Value.Contains("(Europe/London)", StringComparison.Ordinal));

        var cells = root.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "cell").ToList();
        Assert.Equal(7 * 24, cells.Count);
        Assert.Equal(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], cells.Select(c => (string)c.Attribute("data-weekday")!).Distinct());
        Assert.All(cells.GroupBy(c => (string)c.Attribute("data-weekday")!), g => Assert.Equal(Enumerable.Range(0, 24), g.Select(c => (int)c.Attribute("data-hour")!)));

        // Wednesday 10:00: (3 * 60 + 10 * 10) = 280 of 720 minutes = 38.9%.
        var wednesday10 = cells.Single(c => (string)c.Attribute("data-weekday")! == "Wed" && (int)c.Attribute("data-hour")! == 10);
        Assert.Equal("Wed 10:00–11:00: 38.9% occupied (280 treatment of 720 open room minutes)", wednesday10.Element(Svg + "title")!.Value);
        Assert.Equal("38.9", (string)wednesday10.Attribute("data-occupancy")!);
        Assert.Equal("39", wednesday10.Element(Svg + "text")!.Value);
        Assert.Equal(HeatmapSvg.Colour(280.0 / 720), (string)wednesday10.Element(Svg + "rect")!.Attribute("fill")!);

        var sunday = cells.Single(c => (string)c.Attribute("data-weekday")! == "Sun" && (int)c.Attribute("data-hour")! == 12);
        Assert.Equal("Sun 12:00–13:00: closed (no room open)", sunday.Element(Svg + "title")!.Value);
        Assert.Null(sunday.Element(Svg + "text"));

        // The legend: the gradient the scale uses, and its labels.
        Assert.Contains(root.Descendants(Svg + "linearGradient"), g => (string?)g.Attribute("id") == "scale");
        Assert.Contains(root.Descendants(Svg + "text"), t => t.Value == "100%");
        Assert.Contains(root.Descendants(Svg + "text"), t => t.Value == "no room open");
    }

    [Fact]
    public void Heatmap_svg_fills_hours_the_server_left_out_with_zero()
    {
        var heatmap = new OccupancyHeatmap { ClinicId = "soho", FromDate = "2026-11-02", ToDate = "2026-11-02" };
        heatmap.Cells.Add(new HeatmapCell { Weekday = Api.V1.DayOfWeek.Monday, Hour = 9, OpenRoomMinutes = 60, TreatmentMinutes = 60, Occupancy = 1 });
        var cells = XDocument.Parse(HeatmapSvg.Render(heatmap)).Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "cell").ToList();
        Assert.Equal(168, cells.Count);
        Assert.Single(cells, c => ((string)c.Attribute("data-occupancy")!).Length > 0);
    }

    [Theory]
    [InlineData(0.0, "#f2f7fb")]
    [InlineData(0.5, "#5b9bd5")]
    [InlineData(1.0, "#1f3b73")]
    [InlineData(2.0, "#1f3b73")]
    [InlineData(-1.0, "#f2f7fb")]
    public void Colour_scale_runs_from_pale_to_dark(double occupancy, string colour) => Assert.Equal(colour, HeatmapSvg.Colour(occupancy));

    [Fact]
    public void Terminal_heatmap_shows_weekdays_open_hours_and_percentages()
    {
        var console = Console();
        ReportViews.Heatmap(console, Heatmap());
        var lines = console.Output.Split('\n');
        Assert.Contains("NMT <Soho> & Co (soho)", console.Output, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("09", StringComparison.Ordinal) && l.Contains("16", StringComparison.Ordinal) && !l.Contains(" 17 ", StringComparison.Ordinal));
        // Wednesday: 09:00 (180+90)/720 = 38%, 10:00 39%.
        Assert.Contains(lines, l => l.Contains("Wed", StringComparison.Ordinal) && l.Contains("38", StringComparison.Ordinal) && l.Contains("39", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Sun", StringComparison.Ordinal) && l.Contains('·'));
    }

    [Theory]
    [InlineData("heat.svg", "soho", 1, "heat.svg")]
    [InlineData("out/heat.svg", "soho", 2, "out/heat-soho.svg")]
    [InlineData("heat", "soho", 3, "heat-soho.svg")]
    public void Svg_path_names_each_clinic_when_there_are_several(string file, string clinic, int clinics, string expected) =>
        Assert.Equal(expected, ReportCommands.SvgPath(file, clinic, clinics));

    [Fact]
    public void Clinic_option_takes_repeats_and_comma_lists()
    {
        Assert.Equal(["soho", "camden", "bank"], Args.ClinicIds(["soho,camden", " bank ", "soho", ""]));
        Assert.Empty(Args.ClinicIds([]));
    }

    [Theory]
    [InlineData("day", ReportBucket.Day)]
    [InlineData("Week", ReportBucket.Week)]
    [InlineData("monthly", ReportBucket.Month)]
    public void Buckets_parse(string text, ReportBucket bucket) => Assert.Equal(bucket, Args.Bucket(text, "--by"));

    [Theory]
    [InlineData("report rooms --from 2026-11-01 --to 2026-11-30 --by week")]
    [InlineData("report rooms --clinic soho,camden --clinic bank --from 2026-11-01")]
    [InlineData("report therapists --clinic soho --from 2026-11-01 --to 2026-11-30 --by month --json")]
    [InlineData("report summary --from 2026-11-01 --to 2026-11-30")]
    [InlineData("report heatmap --clinic soho --from 2026-11-01 --to 2026-11-30 --svg soho.svg")]
    [InlineData("report compare --from 2026-01-01 --to 2026-03-31")]
    [InlineData("report export rooms --from 2024-01-01 --to 2026-12-31 --by month --out rooms.csv")]
    [InlineData("report export summary --clinic soho --from 2026-01-01 --to 2026-12-31")]
    public void Every_documented_report_command_line_parses(string commandLine)
    {
        var app = new App(TextWriter.Null, TextWriter.Null, _ => null, new TestConsole());
        Assert.Empty(app.Root.Parse(commandLine.Split(' ')).Errors);
    }

    private sealed record Run(int ExitCode, string Out, string Err);

    private static async Task<Run> Nmt(string commandLine)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var app = new App(stdout, stderr, _ => null, Console());
        var code = await app.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return new Run(code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("report rooms --from 2026-13-01", "--from")]
    [InlineData("report rooms --from 2026-11-02 --to 2026-11-01", "--to")]
    [InlineData("report therapists --from 2026-11-01 --by fortnight", "--by")]
    [InlineData("report export everything --from 2026-11-01", "kind")]
    [InlineData("report export rooms --from 2026-11-01 --by year", "--by")]
    public async Task Bad_report_arguments_exit_2_naming_the_option_before_calling_the_server(string commandLine, string field)
    {
        var run = await Nmt($"{commandLine} --server {NoServer}");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains($"field: {field}", run.Err, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Missing_from_exits_2() =>
        Assert.Equal(ExitCodes.Usage, (await Nmt($"report rooms --server {NoServer}")).ExitCode);

    [Fact]
    public async Task A_failed_export_leaves_no_file_behind()
    {
        var file = Path.Combine(Path.GetTempPath(), $"nmt-export-{Guid.NewGuid():N}.csv");
        var run = await Nmt($"report export rooms --from 2026-11-01 --out {file} --server {NoServer}");
        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(file + ".partial"));
    }

    [Fact]
    public void Json_of_a_report_is_protobuf_json()
    {
        using var output = new StringWriter();
        using var context = new CliContext(new Uri("http://127.0.0.1:5080"), json: true, TimeSpan.FromSeconds(1), output, Console());
        var report = RoomReport("soho");
        context.Print(report, _ => throw new InvalidOperationException("no table in JSON mode"));
        using var doc = JsonDocument.Parse(output.ToString());
        Assert.Equal("DAY", doc.RootElement.GetProperty("bucket").GetString());
        Assert.Equal(4, doc.RootElement.GetProperty("rooms").GetArrayLength());
        Assert.Equal("540", doc.RootElement.GetProperty("rooms")[3].GetProperty("treatmentMinutes").GetString());
        Assert.Equal(0.9, doc.RootElement.GetProperty("rooms")[3].GetProperty("utilisation").GetDouble(), 6);
    }

    [Theory]
    [InlineData(0, "0h")]
    [InlineData(45, "45m")]
    [InlineData(90, "1h 30m")]
    [InlineData(600, "10h")]
    public void Minutes_read_as_hours(long minutes, string text) => Assert.Equal(text, ReportViews.Hours(minutes));

    [Fact]
    public void Percentages_round_half_away_from_zero_from_exact_minutes() =>
        Assert.Equal(["37.5%", "41.3%", "0.0%"], new[] { ReportViews.Percent(450, 1200), ReportViews.Percent(990, 2400), ReportViews.Percent(5, 0) });
}
