using System.Text;
using ClinicSummary = NmtPractice.Api.V1.ClinicSummary;
using HeatmapCell = NmtPractice.Api.V1.HeatmapCell;
using RoomUtilisationRow = NmtPractice.Api.V1.RoomUtilisationRow;
using TherapistUtilisationRow = NmtPractice.Api.V1.TherapistUtilisationRow;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// The CSV form of each report's wire rows (RFC 4180): CRLF line ends; a field is quoted when it contains a comma, a
/// double quote, CR or LF, with quotes doubled. Minutes and counts are integers; ratios are decimals with
/// <see cref="RatioPlaces"/> places, computed exactly from the integer minutes and rounded half away from zero.
/// </summary>
public static class ReportCsv
{
    public const int RatioPlaces = 4;
    public const string LineEnd = "\r\n";

    public static readonly IReadOnlyList<string> RoomColumns =
        ["level", "clinic_id", "room_id", "bucket_start", "bucket_end", "open_minutes", "treatment_minutes", "turnover_minutes", "appointments", "utilisation"];

    public static readonly IReadOnlyList<string> TherapistColumns =
        ["therapist_id", "clinic_id", "bucket_start", "bucket_end", "rostered_minutes", "booked_minutes", "appointments", "utilisation"];

    private static readonly string[] SummaryCounts =
        ["pending", "booked", "arrived", "fulfilled", "cancelled_in_time", "cancelled_late", "no_shows", "total", "unique_clients", "new_clients", "no_show_rate", "revenue_minor"];

    public static readonly IReadOnlyList<string> SummaryColumns = ["clinic_id", "from_date", "to_date", .. SummaryCounts];

    public static readonly IReadOnlyList<string> HeatmapColumns =
        ["clinic_id", "weekday", "hour", "open_room_minutes", "treatment_minutes", "occupancy"];

    public static readonly IReadOnlyList<string> ComparisonColumns =
    [
        "clinic_id", "clinic_name", "open_minutes", "treatment_minutes", "turnover_minutes", "appointments", "room_utilisation",
        "rostered_minutes", "therapist_booked_minutes", "therapist_utilisation", .. SummaryCounts,
    ];

    public static IReadOnlyList<string> Columns(ReportKind kind) => kind switch
    {
        ReportKind.RoomUtilisation => RoomColumns,
        ReportKind.TherapistUtilisation => TherapistColumns,
        ReportKind.ClinicSummary => SummaryColumns,
        ReportKind.OccupancyHeatmap => HeatmapColumns,
        ReportKind.ChainComparison => ComparisonColumns,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a report kind."),
    };

    /// <summary>"room", "clinic" or "chain": which total a room utilisation row is.</summary>
    public static string Level(RoomUtilisationRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.RoomId.Length > 0 ? "room" : row.ClinicId.Length > 0 ? "clinic" : "chain";
    }

    public static void Room(StringBuilder csv, RoomUtilisationRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Line(csv, Level(r), r.ClinicId, r.RoomId, r.BucketStart, r.BucketEnd, Int(r.OpenMinutes), Int(r.TreatmentMinutes),
            Int(r.TurnoverMinutes), Int(r.Appointments), Ratio(r.TreatmentMinutes, r.OpenMinutes));
    }

    public static void Therapist(StringBuilder csv, TherapistUtilisationRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Line(csv, r.TherapistId, r.ClinicId, r.BucketStart, r.BucketEnd, Int(r.RosteredMinutes), Int(r.BookedMinutes),
            Int(r.Appointments), Ratio(r.BookedMinutes, r.RosteredMinutes));
    }

    public static void Summary(StringBuilder csv, ClinicSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        Line(csv, [s.ClinicId, s.FromDate, s.ToDate, .. Counts(s)]);
    }

    public static void Heatmap(StringBuilder csv, string clinicId, HeatmapCell c)
    {
        ArgumentNullException.ThrowIfNull(c);
        Line(csv, clinicId, Int((int)c.Weekday), Int(c.Hour), Int(c.OpenRoomMinutes), Int(c.TreatmentMinutes), Ratio(c.TreatmentMinutes, c.OpenRoomMinutes));
    }

    public static void Comparison(StringBuilder csv, ClinicComparison c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var u = c.RoomUtilisation ?? new RoomUtilisationRow();
        Line(csv,
        [
            c.ClinicId, c.ClinicName, Int(u.OpenMinutes), Int(u.TreatmentMinutes), Int(u.TurnoverMinutes), Int(u.Appointments),
            Ratio(u.TreatmentMinutes, u.OpenMinutes), Int(c.RosteredMinutes), Int(c.TherapistBookedMinutes),
            Ratio(c.TherapistBookedMinutes, c.RosteredMinutes), .. Counts(c.Summary ?? new ClinicSummary()),
        ]);
    }

    private static string[] Counts(ClinicSummary s) =>
    [
        Int(s.Pending), Int(s.Booked), Int(s.Arrived), Int(s.Fulfilled), Int(s.CancelledInTime), Int(s.CancelledLate),
        Int(s.NoShows), Int(s.Total), Int(s.UniqueClients), Int(s.NewClients), Ratio(s.NoShows, s.Fulfilled + (long)s.NoShows),
        Int(s.RevenueMinor),
    ];

    /// <summary><paramref name="numerator"/> / <paramref name="denominator"/> with <see cref="RatioPlaces"/> places; 0 when the denominator is 0.</summary>
    public static string Ratio(long numerator, long denominator)
    {
        var ratio = denominator == 0 ? 0m : Math.Round((decimal)numerator / denominator, RatioPlaces, MidpointRounding.AwayFromZero);
        return ratio.ToString("0.0000", CultureInfo.InvariantCulture);
    }

    public static void Line(StringBuilder csv, params IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(fields);
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                csv.Append(',');
            }
            first = false;
            Field(csv, field);
        }
        csv.Append(LineEnd);
    }

    private static void Field(StringBuilder csv, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            csv.Append(value);
            return;
        }
        csv.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
