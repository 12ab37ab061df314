using System.Data.Common;
using NmtPractice.Domain.Appointments;
using NmtPractice.Domain.Reports;
using NmtPractice.Persistence.Reports;
using Npgsql;
using NodaTime;

namespace NmtPractice.Testing;

/// <summary>
/// The figures of <see cref="UsageStore"/> computed straight from the appointments ledger, aggregating per day first:
/// the oracle for the usage tests and the baseline for the reports benchmark. Same rows, same order, same conventions
/// as the store (clinic-local start dates, inclusive ranges, all-zero rows left out, clinics without a registered zone
/// have no usage).
/// </summary>
public sealed class PlainReportQueries(NpgsqlDataSource dataSource)
{
    private const string Occupying = "('booked', 'arrived', 'fulfilled', 'noshow')";

    /// <summary>
    /// Appointments of the clinics whose clinic-local start date is in $2..$3: a range on starts_at one day wider than
    /// the local dates (so the clinic_starts index is used whatever the zone), then the exact local date.
    /// </summary>
    private const string StartFilter =
        """
        z.clinic_id = ANY($1)
               AND a.starts_at >= ($2::timestamp AT TIME ZONE z.time_zone) - interval '1 day'
               AND a.starts_at < (($3 + 1)::timestamp AT TIME ZONE z.time_zone) + interval '1 day'
               AND (a.starts_at AT TIME ZONE z.time_zone)::date BETWEEN $2 AND $3
        """;

    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));

    public Task<IReadOnlyList<RoomDayFigures>> RoomDaysAsync(IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, CancellationToken ct = default) =>
        QueryAsync(
            $"""
            SELECT a.clinic_id, a.room_id, (a.starts_at AT TIME ZONE z.time_zone)::date AS day,
                   sum(floor(extract(epoch FROM a.ends_at - a.starts_at) / 60))::bigint,
                   sum(floor(extract(epoch FROM a.room_free_at - a.ends_at) / 60))::bigint,
                   count(*)::integer
              FROM report_clinics z JOIN appointments a ON a.clinic_id = z.clinic_id
             WHERE {StartFilter} AND a.status IN {Occupying}
             GROUP BY a.clinic_id, day, a.room_id
            """,
            clinicIds, from, to,
            r => new RoomDayFigures(r.GetString(0), r.GetString(1), ReadDate(r, 2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(5)),
            (a, b) => Compare(string.CompareOrdinal(a.ClinicId, b.ClinicId), a.Day.CompareTo(b.Day), string.CompareOrdinal(a.RoomId, b.RoomId)),
            ct);

    public Task<IReadOnlyList<TherapistDayFigures>> TherapistDaysAsync(IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, CancellationToken ct = default) =>
        QueryAsync(
            $"""
            SELECT a.clinic_id, a.therapist_id, (a.starts_at AT TIME ZONE z.time_zone)::date AS day,
                   sum(floor(extract(epoch FROM a.ends_at - a.starts_at) / 60))::bigint, count(*)::integer
              FROM report_clinics z JOIN appointments a ON a.clinic_id = z.clinic_id
             WHERE {StartFilter} AND a.status IN {Occupying}
             GROUP BY a.clinic_id, day, a.therapist_id
            """,
            clinicIds, from, to,
            r => new TherapistDayFigures(r.GetString(0), r.GetString(1), ReadDate(r, 2), r.GetInt64(3), r.GetInt32(4)),
            (a, b) => Compare(string.CompareOrdinal(a.ClinicId, b.ClinicId), a.Day.CompareTo(b.Day), string.CompareOrdinal(a.TherapistId, b.TherapistId)),
            ct);

    /// <summary>Treatment minutes per local date and hour on which the minutes happen (past midnight: the next date).</summary>
    public Task<IReadOnlyList<HourFigures>> ClinicHoursAsync(IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, CancellationToken ct = default) =>
        QueryAsync(
            $"""
            SELECT a.clinic_id, s.local_day, s.local_hour, sum(s.minutes)::bigint
              FROM report_clinics z JOIN appointments a ON a.clinic_id = z.clinic_id
              CROSS JOIN LATERAL usage_hour_slices(a.starts_at, a.ends_at, z.time_zone) s
             WHERE z.clinic_id = ANY($1)
               AND a.starts_at >= ($2::timestamp AT TIME ZONE z.time_zone) - interval '2 days'
               AND a.starts_at < (($3 + 1)::timestamp AT TIME ZONE z.time_zone) + interval '1 day'
               AND a.status IN {Occupying}
               AND s.local_day BETWEEN $2 AND $3
             GROUP BY a.clinic_id, s.local_day, s.local_hour
            """,
            clinicIds, from, to,
            r => new HourFigures(r.GetString(0), ReadDate(r, 1), r.GetInt16(2), r.GetInt64(3)),
            (a, b) => Compare(string.CompareOrdinal(a.ClinicId, b.ClinicId), a.Day.CompareTo(b.Day), a.Hour.CompareTo(b.Hour)),
            ct);

    public Task<IReadOnlyList<StatusFigures>> StatusCountsAsync(IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, CancellationToken ct = default) =>
        QueryAsync(
            $"""
            SELECT a.clinic_id, (a.starts_at AT TIME ZONE z.time_zone)::date AS day, a.service_id, a.status,
                   a.cancelled_late, count(*)::integer
              FROM report_clinics z JOIN appointments a ON a.clinic_id = z.clinic_id
             WHERE {StartFilter} AND a.cancel_reason IS DISTINCT FROM 'hold-expired'
             GROUP BY a.clinic_id, day, a.service_id, a.status, a.cancelled_late
            """,
            clinicIds, from, to,
            r => new StatusFigures(r.GetString(0), ReadDate(r, 1), r.GetString(2), AppointmentStatusNames.Parse(r.GetString(3)), r.GetBoolean(4), r.GetInt32(5)),
            (a, b) => Compare(
                Compare(string.CompareOrdinal(a.ClinicId, b.ClinicId), a.Day.CompareTo(b.Day), string.CompareOrdinal(a.ServiceId, b.ServiceId)),
                a.Status.CompareTo(b.Status),
                a.CancelledLate.CompareTo(b.CancelledLate)),
            ct);

    private Task<IReadOnlyList<T>> QueryAsync<T>(
        string sql, IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, Func<DbDataReader, T> read, Comparison<T> order,
        CancellationToken ct) =>
        // The store's runner, so the rows come in the store's ordinal order and tests compare whole lists; the SQL is this class's own.
        UsageStore.QueryAsync(_dataSource, sql, clinicIds, from, to, read, order, ct);

    private static int Compare(int first, int second, int third) => first != 0 ? first : second != 0 ? second : third;

    private static LocalDate ReadDate(DbDataReader r, int ordinal) => LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(ordinal));
}
