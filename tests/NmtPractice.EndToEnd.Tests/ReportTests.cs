using System.Globalization;
using System.Text;
using Google.Rpc;
using NmtPractice.Api.Grpc;
using NmtPractice.Domain.Time;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// ReportService end to end on the real server: a few appointments booked through the API, then every report RPC
/// returns the figures worked out by hand below, the CSV export parses back to the same rows, and bad input is refused.
/// </summary>
/// <remarks>
/// The clinic (open round the clock, rooms r1 and r2 with hydraulic tables, r3 without) and its one therapist
/// (rostered round the clock) get, on date D (three days ahead, London):
/// A 10:00 follow-up (45 + 15 turnover) in r1 for grace, checked in and completed (fulfilled, 65.00);
/// B 11:00 follow-up in r2 for harry, booked;
/// C 12:00 trigger point (30 + 10) in r3 for grace, cancelled days ahead (in time: not in utilisation);
/// E 14:00 trigger point in r3 for grace, booked.
/// And N, a trigger point for jack starting just after now, marked a no-show once the clock has passed its start.
/// On D: r1 45/15, r2 45/15, r3 30/10 treatment/turnover minutes, 1 appointment each; the clinic 120/40 and 3;
/// the therapist booked 120 minutes of a whole day rostered.
/// </remarks>
[Collection(ApiCollection.Name)]
public sealed class ReportTests(ApiServerFixture api)
{
    private ReportService.ReportServiceClient Reports => new(api.Invoker);

    private sealed record Fixture(ApiChain Chain, LocalDate D, LocalDate NoShowDate, long DayMinutes);

    private static Fixture? _fixture;
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Built once for the class: bookings take a while and every test reads the same figures.</summary>
    private async Task<Fixture> SetUpAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _fixture ??= await BookAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<Fixture> BookAsync()
    {
        var chain = new ApiChain(api, "rep");
        await chain.CreateClinicAsync();
        await api.Clinics.UpsertServiceAsync(new UpsertServiceRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId,
            Service = new V1.Service { ServiceId = ApiChain.Trigger, Name = "Trigger-point therapy", DurationMinutes = 30, TurnoverMinutes = 10, PriceMinor = 4000 },
        });
        await chain.CreateTherapistAsync();
        var grace = (await chain.RegisterClientAsync("grace")).ClientId;
        var harry = (await chain.RegisterClientAsync("harry")).ClientId;
        var jack = (await chain.RegisterClientAsync("jack")).ClientId;
        var d = chain.Date(3);

        async Task<Appointment> Book(string service, string client, string room, Timestamp start) =>
            await api.Bookings.BookAsync(new BookRequest
            {
                RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = service, ClientId = client,
                TherapistId = chain.TherapistId, RoomId = room, Start = start,
            });

        var a = await Book(ApiChain.FollowUp, grace, "r1", ApiChain.At(d, 10));
        await Book(ApiChain.FollowUp, harry, "r2", ApiChain.At(d, 11));
        var c = await Book(ApiChain.Trigger, grace, "r3", ApiChain.At(d, 12));
        await Book(ApiChain.Trigger, grace, "r3", ApiChain.At(d, 14));
        await api.Bookings.CheckInAsync(new CheckInRequest { AppointmentId = a.AppointmentId });
        await api.Bookings.CompleteAsync(new CompleteRequest { AppointmentId = a.AppointmentId });
        var cancelled = await api.Bookings.CancelAsync(new CancelRequest { AppointmentId = c.AppointmentId, Reason = "changed plans" });
        Assert.False(cancelled.CancelledLate);

        var soon = ApiChain.SoonOnOneDay(api.Clock, Duration.FromHours(1));
        var n = await api.Bookings.BookAsync(new BookRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.Trigger, ClientId = jack,
            TherapistId = chain.TherapistId, RoomId = "r3", Start = WireFormat.ToTimestamp(soon),
        });
        api.Clock.Advance(Duration.FromMinutes(35));
        await api.Bookings.MarkNoShowAsync(new MarkNoShowRequest { AppointmentId = n.AppointmentId });

        var zone = TimeZones.Get(ApiChain.Zone);
        var dayMinutes = (long)(d.PlusDays(1).AtStartOfDayInZone(zone).ToInstant() - d.AtStartOfDayInZone(zone).ToInstant()).TotalMinutes;
        return new Fixture(chain, d, soon.InZone(zone).Date, dayMinutes);
    }

    private static string Iso(LocalDate date) => ApiChain.Iso(date);

    [Fact]
    public async Task Room_utilisation_per_room_clinic_and_chain_is_the_hand_computed_figures()
    {
        var f = await SetUpAsync();
        var day = Iso(f.D);
        var report = await Reports.GetRoomUtilisationAsync(new GetRoomUtilisationRequest
        {
            ClinicIds = { f.Chain.ClinicId }, FromDate = day, ToDate = day, Bucket = ReportBucket.Day,
        });
        Assert.Equal(ReportBucket.Day, report.Bucket);
        Assert.Equal(
        [
            (f.Chain.ClinicId, "r1", day, day, f.DayMinutes, 45L, 15L, 1),
            (f.Chain.ClinicId, "r2", day, day, f.DayMinutes, 45L, 15L, 1),
            (f.Chain.ClinicId, "r3", day, day, f.DayMinutes, 30L, 10L, 1),
        ], report.Rooms.Select(Tuple));
        Assert.Equal([(f.Chain.ClinicId, "", day, day, 3 * f.DayMinutes, 120L, 40L, 3)], report.Clinics.Select(Tuple));
        Assert.Equal([("", "", day, day, 3 * f.DayMinutes, 120L, 40L, 3)], report.Chain.Select(Tuple));
        Assert.Equal(45.0 / f.DayMinutes, report.Rooms[0].Utilisation, 9);
        Assert.Equal(120.0 / (3 * f.DayMinutes), report.Clinics[0].Utilisation, 9);

        // By week: one bucket, cut to the period, the same figures.
        var weekly = await Reports.GetRoomUtilisationAsync(new GetRoomUtilisationRequest
        {
            ClinicIds = { f.Chain.ClinicId }, FromDate = day, ToDate = day, Bucket = ReportBucket.Week,
        });
        Assert.Equal(report.Rooms.Select(Tuple), weekly.Rooms.Select(Tuple));
    }

    private static (string, string, string, string, long, long, long, int) Tuple(RoomUtilisationRow r) =>
        (r.ClinicId, r.RoomId, r.BucketStart, r.BucketEnd, r.OpenMinutes, r.TreatmentMinutes, r.TurnoverMinutes, r.Appointments);

    [Fact]
    public async Task Therapist_utilisation_is_booked_over_rostered_minutes()
    {
        var f = await SetUpAsync();
        var report = await Reports.GetTherapistUtilisationAsync(new GetTherapistUtilisationRequest
        {
            ClinicIds = { f.Chain.ClinicId }, FromDate = Iso(f.D), ToDate = Iso(f.D), Bucket = ReportBucket.Month,
        });
        var row = Assert.Single(report.Rows);
        Assert.Equal((f.Chain.TherapistId, f.Chain.ClinicId, Iso(f.D), Iso(f.D), f.DayMinutes, 120L, 3),
            (row.TherapistId, row.ClinicId, row.BucketStart, row.BucketEnd, row.RosteredMinutes, row.BookedMinutes, row.Appointments));
        Assert.Equal(120.0 / f.DayMinutes, row.Utilisation, 9);
    }

    [Fact]
    public async Task Clinic_summary_counts_statuses_clients_no_shows_and_revenue()
    {
        var f = await SetUpAsync();
        var onD = await Reports.GetClinicSummaryAsync(new GetClinicSummaryRequest { ClinicId = f.Chain.ClinicId, FromDate = Iso(f.D), ToDate = Iso(f.D) });
        Assert.Equal((0, 2, 0, 1, 1, 0, 0, 4), (onD.Pending, onD.Booked, onD.Arrived, onD.Fulfilled, onD.CancelledInTime, onD.CancelledLate, onD.NoShows, onD.Total));
        Assert.Equal((2, 2, 6500L, 0.0), (onD.UniqueClients, onD.NewClients, onD.RevenueMinor, onD.NoShowRate));

        var withNoShow = await Reports.GetClinicSummaryAsync(new GetClinicSummaryRequest { ClinicId = f.Chain.ClinicId, FromDate = Iso(f.NoShowDate), ToDate = Iso(f.D) });
        Assert.Equal((2, 1, 1, 0, 1, 5), (withNoShow.Booked, withNoShow.Fulfilled, withNoShow.CancelledInTime, withNoShow.CancelledLate, withNoShow.NoShows, withNoShow.Total));
        Assert.Equal((3, 3, 6500L), (withNoShow.UniqueClients, withNoShow.NewClients, withNoShow.RevenueMinor));
        Assert.Equal(0.5, withNoShow.NoShowRate, 9);
    }

    [Fact]
    public async Task Heatmap_has_7_by_24_cells_with_treatment_in_the_booked_hours()
    {
        var f = await SetUpAsync();
        var heatmap = await Reports.GetOccupancyHeatmapAsync(new GetOccupancyHeatmapRequest { ClinicId = f.Chain.ClinicId, FromDate = Iso(f.D), ToDate = Iso(f.D) });
        Assert.Equal((f.Chain.ClinicId, "Clinic rep", ApiChain.Zone), (heatmap.ClinicId, heatmap.ClinicName, heatmap.TimeZone));
        Assert.Equal(168, heatmap.Cells.Count);
        Assert.Equal(Enumerable.Range(0, 168).Select(i => ((V1.DayOfWeek)((i / 24) + 1), i % 24)), heatmap.Cells.Select(c => (c.Weekday, c.Hour)));
        var weekday = (V1.DayOfWeek)(int)f.D.DayOfWeek;
        var treatment = heatmap.Cells.Where(c => c.TreatmentMinutes > 0).ToDictionary(c => (c.Weekday, c.Hour), c => c.TreatmentMinutes);
        Assert.Equal(new Dictionary<(V1.DayOfWeek, int), long> { [(weekday, 10)] = 45, [(weekday, 11)] = 45, [(weekday, 14)] = 30 }, treatment);
        var ten = heatmap.Cells.Single(c => c.Weekday == weekday && c.Hour == 10);
        Assert.Equal(3 * 60, ten.OpenRoomMinutes);
        Assert.Equal(0.25, ten.Occupancy, 9);
        Assert.All(heatmap.Cells.Where(c => c.Weekday != weekday), c => Assert.Equal(0, c.OpenRoomMinutes));
    }

    [Fact]
    public async Task Comparison_shows_the_clinic_asked_for_with_all_its_figures()
    {
        var f = await SetUpAsync();
        var response = await Reports.CompareClinicsAsync(new CompareClinicsRequest { ClinicIds = { f.Chain.ClinicId }, FromDate = Iso(f.D), ToDate = Iso(f.D) });
        var c = Assert.Single(response.Clinics);
        Assert.Equal((f.Chain.ClinicId, "Clinic rep"), (c.ClinicId, c.ClinicName));
        Assert.Equal((f.Chain.ClinicId, "", Iso(f.D), Iso(f.D), 3 * f.DayMinutes, 120L, 40L, 3), Tuple(c.RoomUtilisation));
        Assert.Equal((f.DayMinutes, 120L), (c.RosteredMinutes, c.TherapistBookedMinutes));
        Assert.Equal(120.0 / f.DayMinutes, c.TherapistUtilisation, 9);
        Assert.Equal((4, 1, 6500L), (c.Summary.Total, c.Summary.Fulfilled, c.Summary.RevenueMinor));
    }

    [Fact]
    public async Task Csv_export_of_room_utilisation_over_months_parses_back_to_the_same_rows()
    {
        var f = await SetUpAsync();
        foreach (var bucket in new[] { ReportBucket.Day, ReportBucket.Week, ReportBucket.Month })
        {
            // About two and a half months around D, so the export is computed in several pieces.
            var from = Iso(f.D.PlusDays(-40));
            var to = Iso(f.D.PlusDays(35));
            var report = await Reports.GetRoomUtilisationAsync(new GetRoomUtilisationRequest { ClinicIds = { f.Chain.ClinicId }, FromDate = from, ToDate = to, Bucket = bucket });
            var (chunks, text) = await ExportAsync(new ExportReportRequest { Kind = ReportKind.RoomUtilisation, ClinicIds = { f.Chain.ClinicId }, FromDate = from, ToDate = to, Bucket = bucket });
            var rows = Csv.Parse(text);
            Assert.Equal(ReportCsv.RoomColumns, rows[0]);
            Assert.All(chunks, chunk => Assert.EndsWith("\r\n", chunk, StringComparison.Ordinal));
            var expected = report.Rooms.Concat(report.Clinics).Concat(report.Chain)
                .Select(r => new[]
                {
                    ReportCsv.Level(r), r.ClinicId, r.RoomId, r.BucketStart, r.BucketEnd, N(r.OpenMinutes), N(r.TreatmentMinutes), N(r.TurnoverMinutes),
                    N(r.Appointments), (r.OpenMinutes == 0 ? 0m : Math.Round((decimal)r.TreatmentMinutes / r.OpenMinutes, 4, MidpointRounding.AwayFromZero)).ToString("0.0000", CultureInfo.InvariantCulture),
                })
                .OrderBy(Key, StringComparer.Ordinal);
            Assert.Equal(expected, rows.Skip(1).OrderBy(Key, StringComparer.Ordinal));
        }

        // Room r1 on D, by hand: 45 of a day's minutes, 4 places.
        var (_, day) = await ExportAsync(new ExportReportRequest { Kind = ReportKind.RoomUtilisation, ClinicIds = { f.Chain.ClinicId }, FromDate = Iso(f.D), ToDate = Iso(f.D), Bucket = ReportBucket.Day });
        var ratio = Math.Round(45m / f.DayMinutes, 4, MidpointRounding.AwayFromZero).ToString("0.0000", CultureInfo.InvariantCulture);
        Assert.Contains($"room,{f.Chain.ClinicId},r1,{Iso(f.D)},{Iso(f.D)},{f.DayMinutes},45,15,1,{ratio}\r\n", day, StringComparison.Ordinal);
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Key(string[] row) => string.Join('|', row);

    [Fact]
    public async Task Csv_export_of_every_other_report_matches_its_rpc()
    {
        var f = await SetUpAsync();
        var from = Iso(f.NoShowDate);
        var to = Iso(f.D);

        var therapists = await Reports.GetTherapistUtilisationAsync(new GetTherapistUtilisationRequest { ClinicIds = { f.Chain.ClinicId }, FromDate = from, ToDate = to, Bucket = ReportBucket.Day });
        var (_, therapistCsv) = await ExportAsync(new ExportReportRequest { Kind = ReportKind.TherapistUtilisation, ClinicIds = { f.Chain.ClinicId }, FromDate = from, ToDate = to, Bucket = ReportBucket.Day });
        var therapistRows = Csv.Parse(therapistCsv);
        Assert.Equal(ReportCsv.TherapistColumns, therapistRows[0]);
        Assert.Equal(therapists.Rows.Select(r => new[] { r.TherapistId, r.ClinicId, r.BucketStart, r.BucketEnd, N(r.RosteredMinutes), N(r.BookedMinutes), N(r.Appointments) }),
            therapistRows.Skip(1).Select(r => r[..7]));

        var (_, summaryCsv) = await ExportAsync(new ExportReportRequest { Kind = ReportKind.ClinicSummary, ClinicIds = { f.Chain.ClinicId }, FromDate = from, ToDate = to });
        var summary = Csv.Parse(summaryCsv);
        Assert.Equal(ReportCsv.SummaryColumns, summary[0]);
        Assert.Equal([f.Chain.ClinicId, from, to, "0", "2", "0", "1", "1", "0", "1", "5", "3", "3", "0.5000", "6500"], Assert.Single(summary.Skip(1)));

        // With a bucket: one row per clinic and day, whose counts add up to the whole period's.
        var (_, dailyCsv) = await ExportAsync(new ExportReportRequest { Kind = ReportKind.ClinicSummary, ClinicIds = { f.Chain.ClinicId }, FromDate = from, ToDate = to, Bucket = ReportBucket.Day });
        var daily = Csv.Parse(dailyCsv).Skip(1).ToList();
        Assert.Equal(Period.Between(f.NoShowDate, f.D, PeriodUnits.Days).Days + 1, daily.Count);
        Assert.Equal(5, daily.Sum(r => int.Parse(r[10], CultureInfo.InvariantCulture)));

        var (_, heatmapCsv) = await ExportAsync(new ExportReportRequest { Kind = ReportKind.OccupancyHeatmap, ClinicIds = { f.Chain.ClinicId }, FromDate = Iso(f.D), ToDate = Iso(f.D) });
        var heatmap = Csv.Parse(heatmapCsv);
        Assert.Equal(ReportCsv.HeatmapColumns, heatmap[0]);
        Assert.Equal(168, heatmap.Count - 1);
        Assert.Contains([f.Chain.ClinicId, N((int)f.D.DayOfWeek), "10", "180", "45", "0.2500"], heatmap);

        // A clinic name that needs quoting survives the round trip.
        const string Name = "Clinic \"rep\", London\nWest";
        await api.Clinics.UpdateClinicAsync(new UpdateClinicRequest { ClinicId = f.Chain.ClinicId, Name = Name });
        try
        {
            var (_, compareCsv) = await ExportAsync(new ExportReportRequest { Kind = ReportKind.ChainComparison, ClinicIds = { f.Chain.ClinicId }, FromDate = Iso(f.D), ToDate = Iso(f.D) });
            Assert.Contains("\"Clinic \"\"rep\"\", London\nWest\"", compareCsv, StringComparison.Ordinal);
            var compare = Csv.Parse(compareCsv);
            Assert.Equal(ReportCsv.ComparisonColumns, compare[0]);
            var row = Assert.Single(compare.Skip(1));
            Assert.Equal([f.Chain.ClinicId, Name, N(3 * f.DayMinutes), "120", "40", "3"], row[..6]);
            Assert.Equal(ReportCsv.ComparisonColumns.Count, row.Length);
        }
        finally
        {
            await api.Clinics.UpdateClinicAsync(new UpdateClinicRequest { ClinicId = f.Chain.ClinicId, Name = "Clinic rep" });
        }
    }

    private async Task<(List<string> Chunks, string Text)> ExportAsync(ExportReportRequest request)
    {
        using var call = Reports.ExportReport(request);
        var chunks = new List<string>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            chunks.Add(chunk.Text);
        }
        return (chunks, string.Concat(chunks));
    }

    [Fact]
    public async Task A_three_year_period_is_served_and_one_day_more_is_refused()
    {
        var f = await SetUpAsync();
        var from = f.D.PlusDays(-ReportGrpcService.MaxPeriodDays + 1);
        var report = await Reports.GetRoomUtilisationAsync(new GetRoomUtilisationRequest { ClinicIds = { f.Chain.ClinicId }, FromDate = Iso(from), ToDate = Iso(f.D), Bucket = ReportBucket.Month });
        // D's 120 minutes and the no-show's 30 (a no-show held its room).
        Assert.Equal(150, report.Clinics.Sum(r => r.TreatmentMinutes));
        Assert.InRange(report.Chain.Count, 36, 38);
        Assert.Equal((Iso(from), Iso(f.D)), (report.Chain[0].BucketStart, report.Chain[^1].BucketEnd));
        var e = await Assert.ThrowsAsync<RpcException>(async () => await Reports.GetRoomUtilisationAsync(new GetRoomUtilisationRequest
        {
            ClinicIds = { f.Chain.ClinicId }, FromDate = Iso(from.PlusDays(-1)), ToDate = Iso(f.D), Bucket = ReportBucket.Month,
        }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(["to_date"], e.ViolatedFields());
    }

    private sealed record Case(string Name, Func<Task> Call, StatusCode Code, string Field);

    [Fact]
    public async Task Bad_input_to_every_report_rpc_is_refused_with_the_field_named()
    {
        var f = await SetUpAsync();
        var clinicId = f.Chain.ClinicId;
        var d = Iso(f.D);
        const StatusCode Invalid = StatusCode.InvalidArgument;
        const StatusCode NotFound = StatusCode.NotFound;
        GetRoomUtilisationRequest Rooms(Action<GetRoomUtilisationRequest> change)
        {
            var r = new GetRoomUtilisationRequest { ClinicIds = { clinicId }, FromDate = d, ToDate = d, Bucket = ReportBucket.Day };
            change(r);
            return r;
        }
        ExportReportRequest Export(Action<ExportReportRequest> change)
        {
            var r = new ExportReportRequest { Kind = ReportKind.RoomUtilisation, ClinicIds = { clinicId }, FromDate = d, ToDate = d, Bucket = ReportBucket.Day };
            change(r);
            return r;
        }
        Case[] cases =
        [
            new("rooms without bucket", async () => await Reports.GetRoomUtilisationAsync(Rooms(r => r.Bucket = ReportBucket.Unspecified)), Invalid, "bucket"),
            new("rooms with an unknown bucket", async () => await Reports.GetRoomUtilisationAsync(Rooms(r => r.Bucket = (ReportBucket)9)), Invalid, "bucket"),
            new("rooms with month 13", async () => await Reports.GetRoomUtilisationAsync(Rooms(r => r.FromDate = "2026-13-01")), Invalid, "from_date"),
            new("rooms without to_date", async () => await Reports.GetRoomUtilisationAsync(Rooms(r => r.ToDate = "")), Invalid, "to_date"),
            new("rooms ending before they start", async () => await Reports.GetRoomUtilisationAsync(Rooms(r => r.FromDate = Iso(f.D.PlusDays(1)))), Invalid, "to_date"),
            new("rooms over four years", async () => await Reports.GetRoomUtilisationAsync(Rooms(r => r.FromDate = Iso(f.D.PlusYears(-4)))), Invalid, "to_date"),
            new("rooms at an unknown clinic", async () => await Reports.GetRoomUtilisationAsync(Rooms(r => r.ClinicIds.Add("no-such-clinic"))), NotFound, "clinic_ids[1]"),
            new("rooms with a malformed clinic id", async () => await Reports.GetRoomUtilisationAsync(Rooms(r => r.ClinicIds[0] = "a b")), Invalid, "clinic_ids[0]"),
            new("therapists without bucket", async () => await Reports.GetTherapistUtilisationAsync(new GetTherapistUtilisationRequest { FromDate = d, ToDate = d }), Invalid, "bucket"),
            new("therapists at an unknown clinic", async () => await Reports.GetTherapistUtilisationAsync(new GetTherapistUtilisationRequest { ClinicIds = { "no-such-clinic" }, FromDate = d, ToDate = d, Bucket = ReportBucket.Week }), NotFound, "clinic_ids[0]"),
            new("summary without clinic", async () => await Reports.GetClinicSummaryAsync(new GetClinicSummaryRequest { FromDate = d, ToDate = d }), Invalid, "clinic_id"),
            new("summary at an unknown clinic", async () => await Reports.GetClinicSummaryAsync(new GetClinicSummaryRequest { ClinicId = "no-such-clinic", FromDate = d, ToDate = d }), NotFound, "clinic_id"),
            new("summary with a malformed date", async () => await Reports.GetClinicSummaryAsync(new GetClinicSummaryRequest { ClinicId = clinicId, FromDate = "01/12/2026", ToDate = d }), Invalid, "from_date"),
            new("heatmap at an unknown clinic", async () => await Reports.GetOccupancyHeatmapAsync(new GetOccupancyHeatmapRequest { ClinicId = "no-such-clinic", FromDate = d, ToDate = d }), NotFound, "clinic_id"),
            new("heatmap ending before it starts", async () => await Reports.GetOccupancyHeatmapAsync(new GetOccupancyHeatmapRequest { ClinicId = clinicId, FromDate = d, ToDate = Iso(f.D.PlusDays(-1)) }), Invalid, "to_date"),
            new("compare at an unknown clinic", async () => await Reports.CompareClinicsAsync(new CompareClinicsRequest { ClinicIds = { "no-such-clinic" }, FromDate = d, ToDate = d }), NotFound, "clinic_ids[0]"),
            new("compare without from_date", async () => await Reports.CompareClinicsAsync(new CompareClinicsRequest { ToDate = d }), Invalid, "from_date"),
            new("export without kind", async () => await ExportAsync(Export(r => r.Kind = ReportKind.Unspecified)), Invalid, "kind"),
            new("export of an unknown kind", async () => await ExportAsync(Export(r => r.Kind = (ReportKind)42)), Invalid, "kind"),
            new("export of rooms without bucket", async () => await ExportAsync(Export(r => r.Bucket = ReportBucket.Unspecified)), Invalid, "bucket"),
            new("export at an unknown clinic", async () => await ExportAsync(Export(r => r.ClinicIds.Add("no-such-clinic"))), NotFound, "clinic_ids[1]"),
            new("export of a heatmap at an unknown clinic", async () => await ExportAsync(Export(r => { r.Kind = ReportKind.OccupancyHeatmap; r.ClinicIds[0] = "no-such-clinic"; })), NotFound, "clinic_ids[0]"),
            new("export over four years", async () => await ExportAsync(Export(r => r.FromDate = Iso(f.D.PlusYears(-4)))), Invalid, "to_date"),
            new("export with a 100 KB clinic id", async () => await ExportAsync(Export(r => r.ClinicIds[0] = new string('x', 100 * 1024))), Invalid, "clinic_ids[0]"),
        ];
        var failures = new List<string>();
        foreach (var c in cases)
        {
            try
            {
                await c.Call();
                failures.Add($"{c.Name}: succeeded, expected {c.Code}");
            }
            catch (RpcException e)
            {
                var info = e.Detail<ErrorInfo>();
                var field = c.Code == Invalid ? e.ViolatedFields().FirstOrDefault() : info?.Metadata.GetValueOrDefault("field");
                if (e.StatusCode != c.Code || field != c.Field || info?.Domain != ApiErrors.Domain)
                {
                    failures.Add($"{c.Name}: {e.StatusCode} field {field} ({e.Status.Detail}), expected {c.Code} field {c.Field}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}

/// <summary>A small RFC 4180 reader for the tests: quoted fields may hold commas, doubled quotes and line breaks.</summary>
internal static class Csv
{
    public static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    i++;
                    row.Add(field.ToString());
                    field.Clear();
                    rows.Add([.. row]);
                    row.Clear();
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }
        Assert.False(quoted, "unterminated quoted field");
        Assert.True(field.Length == 0 && row.Count == 0, "the last line has no CRLF");
        return rows;
    }
}
