using Spectre.Console.Rendering;

namespace NmtPractice.Cli.Output;

/// <summary>
/// Tables and bar charts of the ReportService's answers. Minutes are shown as hours and minutes ("12h 30m"), ratios as
/// percentages with one decimal. Server text goes in as <see cref="Text"/>, never as markup.
/// </summary>
public static class ReportViews
{
    /// <summary>At most this many bars in a chart; the rest are summed up in the caption.</summary>
    public const int MaxBars = 40;

    public static readonly string[] WeekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public static string Hours(long minutes) => minutes % 60 == 0
        ? $"{minutes / 60}h"
        : minutes < 60 ? $"{minutes}m" : $"{minutes / 60}h {minutes % 60:00}m";

    /// <summary>"45.0%" for 0.45; 0 when there is nothing to divide by.</summary>
    public static string Percent(long numerator, long denominator) =>
        PercentValue(numerator, denominator).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>The percentage with one decimal, rounded half away from zero from the exact minutes (37.5 for 450 / 1200).</summary>
    public static decimal PercentValue(long numerator, long denominator) =>
        denominator == 0 ? 0m : Math.Round(100m * numerator / denominator, 1, MidpointRounding.AwayFromZero);

    /// <summary>"2026-11-02" for a one-day bucket, "2026-11-02 – 2026-11-08" otherwise.</summary>
    public static string Bucket(string start, string end) => start == end || end.Length == 0 ? start : $"{start} – {end}";

    public static string BucketName(ReportBucket bucket) => bucket switch
    {
        ReportBucket.Day => "day",
        ReportBucket.Week => "week",
        ReportBucket.Month => "month",
        _ => "period",
    };

    private static Table New(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in headers)
        {
            var right = h is "Open" or "Treatment" or "Turnover" or "Appts" or "Rostered" or "Booked" or "Utilisation" or "Total"
                or "Pending" or "Arrived" or "Fulfilled" or "Cancelled" or "Late" or "No-shows" or "No-show rate" or "Clients" or "New"
                or "Revenue" or "Rooms" or "Therapists";
            var column = new TableColumn(new Markup($"[bold]{Markup.Escape(h)}[/]")).NoWrap();
            table.AddColumn(right ? column.RightAligned() : column);
        }
        return table;
    }

    private static void Row(Table table, params string[] cells) => table.AddRow([.. cells.Select(c => (IRenderable)new Text(c))]);

    private static void Heading(IAnsiConsole console, string text) => console.Write(new Markup($"[bold]{Markup.Escape(text)}[/]\n"));

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Period(string from, string to) => from == to ? from : $"{from} to {to}";

    /// <summary>Per room, per clinic and chain totals by bucket, then a chart of each room's (several clinics: each clinic's) utilisation over the period.</summary>
    public static void RoomUtilisation(IAnsiConsole console, RoomUtilisationReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        var title = $"Room utilisation, {Period(report.FromDate, report.ToDate)}, by {BucketName(report.Bucket)} (treatment / open time; turnover shown apart)";
        var rooms = New("Clinic", "Room", "Bucket", "Open", "Treatment", "Turnover", "Appts", "Utilisation");
        foreach (var r in report.Rooms)
        {
            Row(rooms, r.ClinicId, r.RoomId, Bucket(r.BucketStart, r.BucketEnd), Hours(r.OpenMinutes), Hours(r.TreatmentMinutes),
                Hours(r.TurnoverMinutes), Int(r.Appointments), Percent(r.TreatmentMinutes, r.OpenMinutes));
        }
        rooms.Caption($"{report.Rooms.Count} room row(s)");
        Heading(console, title);
        console.Write(rooms);
        var totals = New("Clinic", "Bucket", "Open", "Treatment", "Turnover", "Appts", "Utilisation");
        foreach (var r in report.Clinics.Concat(report.Chain))
        {
            Row(totals, r.ClinicId.Length == 0 ? "all clinics" : r.ClinicId, Bucket(r.BucketStart, r.BucketEnd), Hours(r.OpenMinutes),
                Hours(r.TreatmentMinutes), Hours(r.TurnoverMinutes), Int(r.Appointments), Percent(r.TreatmentMinutes, r.OpenMinutes));
        }
        Heading(console, "Clinic and chain totals");
        console.Write(totals);

        var clinics = report.Clinics.Select(r => r.ClinicId).Distinct().Count();
        var bars = clinics <= 1
            ? Sum(report.Rooms, r => r.RoomId)
            : Sum(report.Clinics, r => r.ClinicId);
        Chart(console, $"Utilisation by {(clinics <= 1 ? "room" : "clinic")}, {Period(report.FromDate, report.ToDate)}", bars);
    }

    private static List<(string Label, long Used, long Available)> Sum(IEnumerable<RoomUtilisationRow> rows, Func<RoomUtilisationRow, string> key) =>
        [.. rows.GroupBy(key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(r => r.TreatmentMinutes), g.Sum(r => r.OpenMinutes)))
            .OrderBy(b => b.Key, StringComparer.Ordinal)];

    /// <summary>A Spectre bar chart of percentages (0 to 100), one bar per label, coloured by level.</summary>
    public static void Chart(IAnsiConsole console, string title, IReadOnlyList<(string Label, long Used, long Available)> bars)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(bars);
        if (bars.Count == 0)
        {
            return;
        }
        var chart = new BarChart().Width(Math.Min(100, console.Profile.Width)).Label($"[bold]{Markup.Escape(title)}[/]").WithMaxValue(100)
            .UseValueFormatter((value, culture) => value.ToString("0.0", culture) + "%");
        chart.Culture = CultureInfo.InvariantCulture;
        foreach (var (label, used, available) in bars.Take(MaxBars))
        {
            var percent = PercentValue(used, available);
            chart.AddItem(Markup.Escape(label), (double)percent, percent >= 85 ? Color.Red : percent >= 60 ? Color.Yellow : Color.Green);
        }
        console.Write(chart);
        if (bars.Count > MaxBars)
        {
            console.Write(new Text($"(and {bars.Count - MaxBars} more; --json or `report export` for all)\n"));
        }
    }

    public static void TherapistUtilisation(IAnsiConsole console, TherapistUtilisationReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        var table = New("Therapist", "Clinic", "Bucket", "Rostered", "Booked", "Appts", "Utilisation");
        foreach (var r in report.Rows)
        {
            Row(table, r.TherapistId, r.ClinicId, Bucket(r.BucketStart, r.BucketEnd), Hours(r.RosteredMinutes), Hours(r.BookedMinutes),
                Int(r.Appointments), Percent(r.BookedMinutes, r.RosteredMinutes));
        }
        table.Caption($"{report.Rows.Count} row(s)");
        Heading(console, $"Therapist utilisation, {Period(report.FromDate, report.ToDate)}, by {BucketName(report.Bucket)} (booked / rostered time)");
        console.Write(table);
        var bars = report.Rows.GroupBy(r => $"{r.TherapistId} @ {r.ClinicId}", StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(r => r.BookedMinutes), g.Sum(r => r.RosteredMinutes)))
            .OrderBy(b => b.Key, StringComparer.Ordinal)
            .ToList();
        Chart(console, $"Utilisation by therapist, {Period(report.FromDate, report.ToDate)}", bars);
    }

    public static void Summaries(IAnsiConsole console, IReadOnlyList<ClinicSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(summaries);
        var table = New("Clinic", "Total", "Pending", "Booked", "Arrived", "Fulfilled", "Cancelled", "Late", "No-shows", "No-show rate", "Clients", "New", "Revenue");
        foreach (var s in summaries)
        {
            Row(table, s.ClinicId, Int(s.Total), Int(s.Pending), Int(s.Booked), Int(s.Arrived), Int(s.Fulfilled), Int(s.CancelledInTime),
                Int(s.CancelledLate), Int(s.NoShows), Percent(s.NoShows, s.Fulfilled + (long)s.NoShows), Int(s.UniqueClients), Int(s.NewClients),
                Output.Summaries.Price(s.RevenueMinor));
        }
        var period = summaries.Count > 0 ? Period(summaries[0].FromDate, summaries[0].ToDate) : "";
        Heading(console, $"Clinic summary, {period}");
        table.Caption("Cancelled: in time; Late: inside the cancellation window; no-show rate = no-shows / (fulfilled + no-shows); revenue of fulfilled appointments");
        console.Write(table);
    }

    public static void Comparison(IAnsiConsole console, CompareClinicsResponse response)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(response);
        var table = New("Clinic", "Name", "Treatment", "Turnover", "Rooms", "Therapists", "Total", "No-show rate", "Clients", "Revenue");
        foreach (var c in response.Clinics)
        {
            var u = c.RoomUtilisation ?? new RoomUtilisationRow();
            var s = c.Summary ?? new ClinicSummary();
            Row(table, c.ClinicId, c.ClinicName, Hours(u.TreatmentMinutes), Hours(u.TurnoverMinutes), Percent(u.TreatmentMinutes, u.OpenMinutes),
                Percent(c.TherapistBookedMinutes, c.RosteredMinutes), Int(s.Total), Percent(s.NoShows, s.Fulfilled + (long)s.NoShows),
                Int(s.UniqueClients), Output.Summaries.Price(s.RevenueMinor));
        }
        Heading(console, $"Clinics side by side, {Period(response.FromDate, response.ToDate)}");
        table.Caption("Rooms: treatment / open room time; Therapists: booked / rostered time; Total: appointments");
        console.Write(table);
        Chart(console, "Room utilisation by clinic", [.. response.Clinics.Select(c =>
            (c.ClinicId, c.RoomUtilisation?.TreatmentMinutes ?? 0, c.RoomUtilisation?.OpenMinutes ?? 0))]);
    }

    /// <summary>
    /// The heatmap in the terminal: weekday rows x hour columns, each cell the occupancy in percent on a colour scale;
    /// "·" where no room was open. Hours nobody is ever open are left out.
    /// </summary>
    public static void Heatmap(IAnsiConsole console, OccupancyHeatmap heatmap)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(heatmap);
        var cells = HeatmapSvg.Grid(heatmap);
        var hours = Enumerable.Range(0, 24).Where(h => Enumerable.Range(0, 7).Any(d => cells[d, h].OpenRoomMinutes > 0)).ToList();
        if (hours.Count == 0)
        {
            hours = [.. Enumerable.Range(0, 24)];
        }
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn(new Markup("[bold]Day[/]")).NoWrap());
        foreach (var h in hours)
        {
            table.AddColumn(new TableColumn(new Text(h.ToString("00", CultureInfo.InvariantCulture))).RightAligned().NoWrap().Padding(0, 0, 1, 0));
        }
        for (var d = 0; d < 7; d++)
        {
            var row = new List<IRenderable> { new Text(WeekdayNames[d]) };
            foreach (var h in hours)
            {
                var cell = cells[d, h];
                row.Add(cell.OpenRoomMinutes == 0
                    ? new Markup("[grey]·[/]")
                    : new Markup($"[{Shade(cell.Occupancy)}]{Math.Round(cell.Occupancy * 100, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture)}[/]"));
            }
            table.AddRow(row);
        }
        var name = heatmap.ClinicName.Length > 0 ? $"{heatmap.ClinicName} ({heatmap.ClinicId})" : heatmap.ClinicId;
        Heading(console, $"Occupancy (%) by weekday and hour: {name}, {Period(heatmap.FromDate, heatmap.ToDate)}, hours in {heatmap.TimeZone}");
        table.Caption("treatment minutes / open room minutes; · nothing open");
        console.Write(table);
    }

    private static string Shade(double occupancy) => occupancy switch
    {
        >= 0.85 => "bold red",
        >= 0.6 => "yellow",
        >= 0.3 => "green",
        > 0 => "blue",
        _ => "grey",
    };
}
