using System.Text;

namespace NmtPractice.Cli.Commands;

/// <summary>ReportService: `report rooms|therapists|summary|heatmap|compare|export`.</summary>
internal static class ReportCommands
{
    public static IEnumerable<Command> Create(App app)
    {
        yield return new Command("report", "Utilisation and clinic reports: tables and charts in the terminal, the heatmap as SVG, CSV export")
            .With(Rooms(app), Therapists(app), Summary(app), Heatmap(app), Compare(app), Export(app));
    }

    /// <summary>The options every report shares.</summary>
    private sealed record Period(Option<string[]> Clinics, Option<string> From, Option<string?> To)
    {
        public static Period Create() => new(
            Opts.Many("--clinic", "Clinic id, or several separated by commas [default: every clinic]", "id"),
            Opts.Required("--from", "First date, yyyy-MM-dd (clinic time)", "date"),
            Opts.Optional("--to", "Last date, inclusive, at most three years on [default: --from]", "date"));

        public Symbol[] Symbols => [Clinics, From, To];

        public IReadOnlyList<string> ClinicIds(ParseResult r) => Args.ClinicIds(r.GetValue(Clinics) ?? []);

        public (string From, string To) Dates(ParseResult r)
        {
            var from = Args.Date(r.GetValue(From)!, "--from");
            var to = r.GetValue(To) is { } t ? Args.Date(t, "--to") : from;
            if (string.CompareOrdinal(to, from) < 0)
            {
                throw new CliUsageException("--to", $"--to: {to} is before --from {from}.");
            }
            return (from, to);
        }
    }

    private static Option<string?> By(string fallback) =>
        Opts.Optional("--by", $"Group days by day, week (ISO, Monday first) or month [default: {fallback}]", "day|week|month");

    private static Command Rooms(App app)
    {
        var period = Period.Create();
        var by = By("day");
        var command = new Command("rooms", "Room utilisation per room, clinic and chain: treatment / open time, turnover apart, with a chart")
            .With([.. period.Symbols, by]);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var (from, to) = period.Dates(r);
            var request = new GetRoomUtilisationRequest { FromDate = from, ToDate = to, Bucket = Args.Bucket(r.GetValue(by) ?? "day", "--by") };
            request.ClinicIds.AddRange(period.ClinicIds(r));
            var report = await ctx.Reports.GetRoomUtilisationAsync(request, ctx.Call(ct));
            ctx.Print(report, c => ReportViews.RoomUtilisation(c, report));
        }));
        return command;
    }

    private static Command Therapists(App app)
    {
        var period = Period.Create();
        var by = By("day");
        var command = new Command("therapists", "Therapist utilisation per clinic: booked / rostered time, with a chart")
            .With([.. period.Symbols, by]);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var (from, to) = period.Dates(r);
            var request = new GetTherapistUtilisationRequest { FromDate = from, ToDate = to, Bucket = Args.Bucket(r.GetValue(by) ?? "day", "--by") };
            request.ClinicIds.AddRange(period.ClinicIds(r));
            var report = await ctx.Reports.GetTherapistUtilisationAsync(request, ctx.Call(ct));
            ctx.Print(report, c => ReportViews.TherapistUtilisation(c, report));
        }));
        return command;
    }

    /// <summary>The clinics asked for, else every clinic (by id).</summary>
    private static async Task<IReadOnlyList<string>> ClinicsOrAll(CliContext ctx, IReadOnlyList<string> clinicIds, CancellationToken ct)
    {
        if (clinicIds.Count > 0)
        {
            return clinicIds;
        }
        var (clinics, _) = await Opts.Pages(async token => await ctx.Clinics.ListClinicsAsync(new ListClinicsRequest { PageSize = 500, PageToken = token }, ctx.Call(ct)), p => p.Clinics, p => p.NextPageToken);
        return [.. clinics.Select(c => c.ClinicId)];
    }

    /// <summary>JSON mode for a command that asks once per clinic: a JSON array of the answers.</summary>
    private static void PrintJsonArray(CliContext ctx, IEnumerable<Google.Protobuf.IMessage> messages) =>
        ctx.Out.WriteLine("[" + string.Join(",\n", messages.Select(CliContext.FormatJson)) + "]");

    private static Command Summary(App app)
    {
        var period = Period.Create();
        var command = new Command("summary", "Appointments by status, clients, cancellations, no-show rate and revenue per clinic (--json: an array)")
            .With(period.Symbols);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var (from, to) = period.Dates(r);
            var summaries = new List<ClinicSummary>();
            foreach (var clinicId in await ClinicsOrAll(ctx, period.ClinicIds(r), ct))
            {
                summaries.Add(await ctx.Reports.GetClinicSummaryAsync(new GetClinicSummaryRequest { ClinicId = clinicId, FromDate = from, ToDate = to }, ctx.Call(ct)));
            }
            if (ctx.Json)
            {
                PrintJsonArray(ctx, summaries);
                return;
            }
            ReportViews.Summaries(ctx.Console, summaries);
        }));
        return command;
    }

    private static Command Heatmap(App app)
    {
        var period = Period.Create();
        var svg = Opts.Optional("--svg", "Also write the heatmap as an SVG image to this file (several clinics: FILE-CLINIC.svg each)", "file");
        var command = new Command("heatmap", "Occupancy by weekday and hour per clinic, in the terminal and as an SVG image (--json: an array)")
            .With([.. period.Symbols, svg]);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var (from, to) = period.Dates(r);
            var heatmaps = new List<OccupancyHeatmap>();
            foreach (var clinicId in await ClinicsOrAll(ctx, period.ClinicIds(r), ct))
            {
                heatmaps.Add(await ctx.Reports.GetOccupancyHeatmapAsync(new GetOccupancyHeatmapRequest { ClinicId = clinicId, FromDate = from, ToDate = to }, ctx.Call(ct)));
            }
            if (r.GetValue(svg) is { Length: > 0 } file)
            {
                foreach (var heatmap in heatmaps)
                {
                    var path = SvgPath(file, heatmap.ClinicId, heatmaps.Count);
                    await HeatmapSvg.WriteAsync(path, heatmap, ct);
                    if (!ctx.Json)
                    {
                        ctx.Console.Write(new Text($"wrote {path}\n"));
                    }
                }
            }
            if (ctx.Json)
            {
                PrintJsonArray(ctx, heatmaps);
                return;
            }
            foreach (var heatmap in heatmaps)
            {
                ReportViews.Heatmap(ctx.Console, heatmap);
            }
        }));
        return command;
    }

    /// <summary>FILE for one clinic; for several, the clinic id goes before the extension (heatmap-soho.svg).</summary>
    public static string SvgPath(string file, string clinicId, int clinics)
    {
        if (clinics <= 1)
        {
            return file;
        }
        var extension = Path.GetExtension(file);
        var stem = extension.Length > 0 ? file[..^extension.Length] : file;
        return $"{stem}-{clinicId}{(extension.Length > 0 ? extension : ".svg")}";
    }

    private static Command Compare(App app)
    {
        var period = Period.Create();
        var command = new Command("compare", "Every clinic (or those given) side by side: room and therapist utilisation, appointments, no-shows, revenue")
            .With(period.Symbols);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var (from, to) = period.Dates(r);
            var request = new CompareClinicsRequest { FromDate = from, ToDate = to };
            request.ClinicIds.AddRange(period.ClinicIds(r));
            var response = await ctx.Reports.CompareClinicsAsync(request, ctx.Call(ct));
            ctx.Print(response, c => ReportViews.Comparison(c, response));
        }));
        return command;
    }

    private static Command Export(App app)
    {
        var kind = new Argument<string>("kind") { Description = "rooms, therapists, summary, heatmap or compare" };
        var period = Period.Create();
        var by = Opts.Optional("--by", "day, week or month [default: day for rooms and therapists; for summary, one row per clinic over the whole period]", "day|week|month");
        var output = Opts.Optional("--out", "Write the CSV to this file [default: standard output]", "file");
        var command = new Command("export", "A report as CSV (RFC 4180), streamed from the server; years of data are fine")
            .With([kind, .. period.Symbols, by, output]);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var reportKind = Args.ReportKind(r.GetValue(kind)!, "kind");
            var (from, to) = period.Dates(r);
            var bucket = r.GetValue(by) is { } b ? Args.Bucket(b, "--by")
                : reportKind is ReportKind.RoomUtilisation or ReportKind.TherapistUtilisation ? ReportBucket.Day
                : ReportBucket.Unspecified;
            var request = new ExportReportRequest { Kind = reportKind, FromDate = from, ToDate = to, Bucket = bucket };
            request.ClinicIds.AddRange(period.ClinicIds(r));
            if (r.GetValue(output) is { Length: > 0 } file)
            {
                var lines = await ExportToFile(ctx, request, file, ct);
                if (!ctx.Json)
                {
                    ctx.Console.Write(new Text($"wrote {file}: {lines} line(s) including the header\n"));
                }
                return;
            }
            await Stream(ctx, request, ctx.Out, ct);
            await ctx.Out.FlushAsync(ct);
        }));
        return command;
    }

    /// <summary>
    /// Streams into FILE.partial and renames it when the export completed, so a failed export never leaves a file that
    /// looks whole. Returns the number of lines.
    /// </summary>
    private static async Task<long> ExportToFile(CliContext ctx, ExportReportRequest request, string file, CancellationToken ct)
    {
        var partial = file + ".partial";
        try
        {
            long lines;
            await using (var writer = new StreamWriter(partial, append: false, new UTF8Encoding(false)))
            {
                lines = await Stream(ctx, request, writer, ct);
            }
            File.Move(partial, file, overwrite: true);
            return lines;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    private static async Task<long> Stream(CliContext ctx, ExportReportRequest request, TextWriter writer, CancellationToken ct)
    {
        using var call = ctx.Reports.ExportReport(request, ctx.Call(ct));
        long lines = 0;
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct))
        {
            await writer.WriteAsync(chunk.Text.AsMemory(), ct);
            lines += chunk.Text.AsSpan().Count("\r\n");
        }
        return lines;
    }
}
