using System.Text;
using NmtPractice.Domain.Reports;
using DomainBucket = NmtPractice.Domain.Reports.ReportBucket;
using DomainHeatmap = NmtPractice.Grains.Abstractions.Reports.OccupancyHeatmap;
using DomainRoomReport = NmtPractice.Grains.Abstractions.Reports.RoomUtilisationReport;
using DomainSummary = NmtPractice.Grains.Abstractions.Reports.ClinicSummary;
using DomainTherapistReport = NmtPractice.Grains.Abstractions.Reports.TherapistUtilisationReport;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// Reports through the stateless report grain: reads the period, bucket and clinic ids off the wire (the grain checks
/// that the clinics exist; its refusal is mapped to the request's field), maps the grain's records to the wire, and
/// streams the CSV export (<see cref="ReportCsv"/>) a month of buckets at a time.
/// </summary>
public sealed class ReportGrpcService(IGrainFactory grains, ILogger<ReportGrpcService> logger) : ReportService.ReportServiceBase
{
    /// <summary>The longest period a report covers, in days (from and to inclusive): the grain's limit, three years.</summary>
    public const int MaxPeriodDays = NmtPractice.Domain.Reports.ReportPeriod.MaxDays;

    public const int MaxClinics = 1000;

    /// <summary>A chunk of the export is sent once its text reaches this many characters.</summary>
    public const int ChunkChars = 32 * 1024;

    public override async Task<V1.RoomUtilisationReport> GetRoomUtilisation(GetRoomUtilisationRequest request, ServerCallContext context)
    {
        var query = MapQuery(request.ClinicIds, request.FromDate, request.ToDate, request.Bucket, bucketRequired: true);
        return MapRoomReport(OrThrow(await Reports.RoomUtilisation(query), request.ClinicIds));
    }

    public override async Task<V1.TherapistUtilisationReport> GetTherapistUtilisation(GetTherapistUtilisationRequest request, ServerCallContext context)
    {
        var query = MapQuery(request.ClinicIds, request.FromDate, request.ToDate, request.Bucket, bucketRequired: true);
        return MapTherapistReport(OrThrow(await Reports.TherapistUtilisation(query), request.ClinicIds));
    }

    public override async Task<V1.ClinicSummary> GetClinicSummary(GetClinicSummaryRequest request, ServerCallContext context)
    {
        var clinicId = WireFormat.Id(request.ClinicId, "clinic_id");
        var (from, to) = MapPeriod(request.FromDate, request.ToDate);
        return MapSummary((await Reports.ClinicSummary(clinicId, from, to)).OrThrow());
    }

    public override async Task<V1.OccupancyHeatmap> GetOccupancyHeatmap(GetOccupancyHeatmapRequest request, ServerCallContext context)
    {
        var clinicId = WireFormat.Id(request.ClinicId, "clinic_id");
        var (from, to) = MapPeriod(request.FromDate, request.ToDate);
        return MapHeatmap((await Reports.Heatmap(clinicId, from, to)).OrThrow());
    }

    public override async Task<CompareClinicsResponse> CompareClinics(CompareClinicsRequest request, ServerCallContext context)
    {
        var query = MapQuery(request.ClinicIds, request.FromDate, request.ToDate, V1.ReportBucket.Unspecified, bucketRequired: false);
        OrThrow(await Reports.Clinics(query.ClinicIds), request.ClinicIds);
        var rows = (await Reports.ChainComparison(query.From, query.To)).OrThrow();
        var response = new CompareClinicsResponse { FromDate = WireFormat.FormatDate(query.From), ToDate = WireFormat.FormatDate(query.To) };
        response.Clinics.AddRange(Selected(rows, query.ClinicIds).Select(r => MapComparison(r, query)));
        return response;
    }

    public override async Task ExportReport(ExportReportRequest request, IServerStreamWriter<CsvChunk> responseStream, ServerCallContext context)
    {
        if (request.Kind is < ReportKind.RoomUtilisation or > ReportKind.ChainComparison)
        {
            ApiErrors.ThrowInvalid("kind", "kind must be ROOM_UTILISATION, THERAPIST_UTILISATION, CLINIC_SUMMARY, OCCUPANCY_HEATMAP or CHAIN_COMPARISON.");
        }
        var bucketRequired = request.Kind is ReportKind.RoomUtilisation or ReportKind.TherapistUtilisation;
        var bucket = request.Kind is ReportKind.OccupancyHeatmap or ReportKind.ChainComparison ? V1.ReportBucket.Unspecified : request.Bucket;
        var query = MapQuery(request.ClinicIds, request.FromDate, request.ToDate, bucket, bucketRequired);
        // The clinics are checked before anything is sent, so a refused export sends nothing.
        var clinicIds = OrThrow(await Reports.Clinics(query.ClinicIds), request.ClinicIds);
        logger.LogInformation("Export {Kind} from {From} to {To} for {Clinics} clinic(s)", request.Kind, query.From, query.To, query.ClinicIds.Count);
        var ct = context.CancellationToken;
        var csv = new StringBuilder(ChunkChars + 1024);
        ReportCsv.Line(csv, ReportCsv.Columns(request.Kind));
        await Flush(csv, responseStream, ct);
        switch (request.Kind)
        {
            case ReportKind.RoomUtilisation:
                foreach (var part in Chunks(query))
                {
                    var report = MapRoomReport(OrThrow(await Reports.RoomUtilisation(part), request.ClinicIds));
                    foreach (var row in report.Rooms.Concat(report.Clinics).Concat(report.Chain))
                    {
                        ReportCsv.Room(csv, row);
                        await FlushIfFull(csv, responseStream, ct);
                    }
                }
                break;
            case ReportKind.TherapistUtilisation:
                foreach (var part in Chunks(query))
                {
                    foreach (var row in MapTherapistReport(OrThrow(await Reports.TherapistUtilisation(part), request.ClinicIds)).Rows)
                    {
                        ReportCsv.Therapist(csv, row);
                        await FlushIfFull(csv, responseStream, ct);
                    }
                }
                break;
            case ReportKind.ClinicSummary:
                var periods = query.Bucket == 0 ? [(query.From, query.To)] : ReportPeriod.Buckets(query.From, query.To, query.Bucket);
                foreach (var (first, last) in periods)
                {
                    foreach (var clinicId in clinicIds)
                    {
                        ReportCsv.Summary(csv, MapSummary((await Reports.ClinicSummary(clinicId, first, last)).OrThrow()));
                        await FlushIfFull(csv, responseStream, ct);
                    }
                }
                break;
            case ReportKind.OccupancyHeatmap:
                foreach (var clinicId in clinicIds)
                {
                    foreach (var cell in MapHeatmap((await Reports.Heatmap(clinicId, query.From, query.To)).OrThrow()).Cells)
                    {
                        ReportCsv.Heatmap(csv, clinicId, cell);
                    }
                    await FlushIfFull(csv, responseStream, ct);
                }
                break;
            case ReportKind.ChainComparison:
                foreach (var row in Selected((await Reports.ChainComparison(query.From, query.To)).OrThrow(), query.ClinicIds))
                {
                    ReportCsv.Comparison(csv, MapComparison(row, query));
                    await FlushIfFull(csv, responseStream, ct);
                }
                break;
            default:
                break;
        }
        await Flush(csv, responseStream, ct);
    }

    private IReportGrain Reports => grains.GetGrain<IReportGrain>(0);

    private static async Task FlushIfFull(StringBuilder csv, IServerStreamWriter<CsvChunk> stream, CancellationToken ct)
    {
        if (csv.Length >= ChunkChars)
        {
            await Flush(csv, stream, ct);
        }
    }

    private static async Task Flush(StringBuilder csv, IServerStreamWriter<CsvChunk> stream, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (csv.Length == 0)
        {
            return;
        }
        await stream.WriteAsync(new CsvChunk { Text = csv.ToString() }, ct);
        csv.Clear();
    }

    /// <summary>The export's pieces (<see cref="ReportPeriod.Pieces"/>): no bucket spans two, so each piece's rows equal those of one query over the whole period.</summary>
    private static IEnumerable<ReportQuery> Chunks(ReportQuery query) =>
        ReportPeriod.Pieces(query.From, query.To, query.Bucket).Select(p => query with { From = p.From, To = p.To });

    /// <summary>The grain's value, or its refusal as an <see cref="RpcException"/>; an unknown clinic of the list is named by its index in the request.</summary>
    private static T OrThrow<T>(Result<T> result, IReadOnlyList<string> requested)
    {
        if (result.Refusal is { Reason: RefusalReason.NotFound, Field: "clinic_ids", Value: { } id } refusal)
        {
            ApiErrors.ThrowRefused(refusal with { Field = $"clinic_ids[{requested.ToList().IndexOf(id)}]" });
        }
        return result.OrThrow();
    }

    private static ReportQuery MapQuery(IReadOnlyList<string> clinicIds, string fromDate, string toDate, V1.ReportBucket bucket, bool bucketRequired)
    {
        var ids = MapClinicIds(clinicIds);
        var (from, to) = MapPeriod(fromDate, toDate);
        return new ReportQuery(ids, from, to, MapBucket(bucket, bucketRequired));
    }

    /// <summary>Each id checked (field clinic_ids[i]); duplicates dropped, order kept.</summary>
    private static List<string> MapClinicIds(IReadOnlyList<string> clinicIds)
    {
        WireFormat.Count(clinicIds, "clinic_ids", MaxClinics);
        for (var i = 0; i < clinicIds.Count; i++)
        {
            WireFormat.Id(clinicIds[i], $"clinic_ids[{i}]");
        }
        return [.. clinicIds.Distinct(StringComparer.Ordinal)];
    }

    private static (LocalDate From, LocalDate To) MapPeriod(string fromDate, string toDate) =>
        WireFormat.DateRange(fromDate, toDate, MaxPeriodDays, $"A report covers at most {MaxPeriodDays} days (three years).");

    private static DomainBucket MapBucket(V1.ReportBucket bucket, bool required) => bucket switch
    {
        V1.ReportBucket.Day => DomainBucket.Day,
        V1.ReportBucket.Week => DomainBucket.Week,
        V1.ReportBucket.Month => DomainBucket.Month,
        V1.ReportBucket.Unspecified when !required => 0,
        _ => throw ApiErrors.ToRpcException(Refusal.Invalid("bucket", "bucket must be DAY, WEEK or MONTH.")),
    };

    private static V1.ReportBucket MapBucket(DomainBucket bucket) => bucket switch
    {
        DomainBucket.Day => V1.ReportBucket.Day,
        DomainBucket.Week => V1.ReportBucket.Week,
        DomainBucket.Month => V1.ReportBucket.Month,
        _ => V1.ReportBucket.Unspecified,
    };

    /// <summary>The rows of the clinics asked for (all when none), by clinic id.</summary>
    private static IEnumerable<ChainComparisonRow> Selected(IReadOnlyList<ChainComparisonRow> rows, IReadOnlyList<string> clinicIds) =>
        rows.Where(r => clinicIds.Count == 0 || clinicIds.Contains(r.ClinicId, StringComparer.Ordinal))
            .OrderBy(r => r.ClinicId, StringComparer.Ordinal);

    private static V1.RoomUtilisationReport MapRoomReport(DomainRoomReport report)
    {
        var query = report.Query;
        var wire = new V1.RoomUtilisationReport
        {
            FromDate = WireFormat.FormatDate(query.From),
            ToDate = WireFormat.FormatDate(query.To),
            Bucket = MapBucket(query.Bucket),
        };
        wire.ClinicIds.AddRange(query.ClinicIds);
        wire.Rooms.AddRange(report.Rooms.Select(r => MapRoomRow(r, query)));
        wire.Clinics.AddRange(report.Clinics.Select(r => MapRoomRow(r, query)));
        wire.Chain.AddRange(report.Chain.Select(r => MapRoomRow(r, query)));
        return wire;
    }

    private static RoomUtilisationRow MapRoomRow(RoomUtilisationFigures r, ReportQuery query)
    {
        var (first, last) = ReportPeriod.BucketDates(r.BucketStart, query.Bucket, query.From, query.To);
        return new()
        {
            ClinicId = r.ClinicId ?? "",
            RoomId = r.RoomId ?? "",
            BucketStart = WireFormat.FormatDate(first),
            BucketEnd = WireFormat.FormatDate(last),
            OpenMinutes = r.OpenMinutes,
            TreatmentMinutes = r.TreatmentMinutes,
            TurnoverMinutes = r.TurnoverMinutes,
            Appointments = r.Appointments,
            Utilisation = r.Utilisation,
        };
    }

    private static V1.TherapistUtilisationReport MapTherapistReport(DomainTherapistReport report)
    {
        var wire = new V1.TherapistUtilisationReport
        {
            FromDate = WireFormat.FormatDate(report.Query.From),
            ToDate = WireFormat.FormatDate(report.Query.To),
            Bucket = MapBucket(report.Query.Bucket),
        };
        wire.ClinicIds.AddRange(report.Query.ClinicIds);
        wire.Rows.AddRange(report.Rows.Select(r => MapTherapistRow(r, report.Query)));
        return wire;
    }

    private static TherapistUtilisationRow MapTherapistRow(TherapistUtilisationFigures r, ReportQuery query)
    {
        var (first, last) = ReportPeriod.BucketDates(r.BucketStart, query.Bucket, query.From, query.To);
        return new()
        {
            TherapistId = r.TherapistId,
            ClinicId = r.ClinicId,
            BucketStart = WireFormat.FormatDate(first),
            BucketEnd = WireFormat.FormatDate(last),
            RosteredMinutes = r.RosteredMinutes,
            BookedMinutes = r.BookedMinutes,
            Appointments = r.Appointments,
            Utilisation = r.Utilisation,
        };
    }

    private static V1.ClinicSummary MapSummary(DomainSummary s) => new()
    {
        ClinicId = s.ClinicId,
        FromDate = WireFormat.FormatDate(s.From),
        ToDate = WireFormat.FormatDate(s.To),
        Pending = s.Pending,
        Booked = s.Booked,
        Arrived = s.Arrived,
        Fulfilled = s.Fulfilled,
        CancelledInTime = s.CancelledInTime,
        CancelledLate = s.CancelledLate,
        NoShows = s.NoShows,
        Total = s.Total,
        UniqueClients = s.UniqueClients,
        NewClients = s.NewClients,
        NoShowRate = s.NoShowRate,
        RevenueMinor = s.RevenueMinor,
    };

    /// <summary>Always 7 x 24 cells, Monday 00 first; hours the grain did not report are zero.</summary>
    private static V1.OccupancyHeatmap MapHeatmap(DomainHeatmap heatmap)
    {
        var cells = heatmap.Cells.ToDictionary(c => (c.Weekday, c.Hour));
        var wire = new V1.OccupancyHeatmap
        {
            ClinicId = heatmap.ClinicId,
            ClinicName = heatmap.ClinicName,
            TimeZone = heatmap.TimeZoneId,
            FromDate = WireFormat.FormatDate(heatmap.From),
            ToDate = WireFormat.FormatDate(heatmap.To),
        };
        for (var day = IsoDayOfWeek.Monday; day <= IsoDayOfWeek.Sunday; day++)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                var cell = cells.GetValueOrDefault((day, hour));
                wire.Cells.Add(new V1.HeatmapCell
                {
                    Weekday = (V1.DayOfWeek)(int)day,
                    Hour = hour,
                    OpenRoomMinutes = cell?.OpenRoomMinutes ?? 0,
                    TreatmentMinutes = cell?.TreatmentMinutes ?? 0,
                    Occupancy = cell?.Occupancy ?? 0,
                });
            }
        }
        return wire;
    }

    /// <summary>A comparison covers the whole period: its room utilisation is one "bucket" from the first date to the last.</summary>
    private static ClinicComparison MapComparison(ChainComparisonRow r, ReportQuery query) => new()
    {
        ClinicId = r.ClinicId,
        ClinicName = r.ClinicName,
        RoomUtilisation = WithEnd(MapRoomRow(r.RoomUtilisation, query with { Bucket = DomainBucket.Day }), query.To),
        RosteredMinutes = r.RosteredMinutes,
        TherapistBookedMinutes = r.TherapistBookedMinutes,
        TherapistUtilisation = r.RosteredMinutes == 0 ? 0 : (double)r.TherapistBookedMinutes / r.RosteredMinutes,
        Summary = MapSummary(r.Summary),
    };

    private static RoomUtilisationRow WithEnd(RoomUtilisationRow row, LocalDate to)
    {
        row.BucketEnd = WireFormat.FormatDate(to);
        return row;
    }
}
