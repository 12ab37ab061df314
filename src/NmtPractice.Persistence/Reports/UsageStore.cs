using System.Data.Common;
using NmtPractice.Domain.Appointments;
using NmtPractice.Domain.Reports;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace NmtPractice.Persistence.Reports;

/// <summary>
/// Usage for reports (migration 0003_usage), as the domain's figures (<see cref="RoomDayFigures"/>...). Each read sums
/// the compacted aggregates and the deltas not yet compacted in one statement, so it is exact at any moment; the tests'
/// PlainReportQueries computes the same rows straight from the appointments ledger (their oracle, and the benchmark's baseline).
/// Days are clinic-local dates (the clinic's zone from <c>report_clinics</c>); an appointment counts on the date of its
/// start. Ranges <c>from</c>..<c>to</c> are inclusive. Rows come ordered by clinic, day, then the row's own key;
/// rows whose figures are all zero are left out. Clinics without a registered zone have no usage.
/// </summary>
public sealed class UsageStore(NpgsqlDataSource dataSource)
{
    /// <summary>The row trigger on <c>appointments</c> that appends usage deltas. Bulk loads may disable it, then call <see cref="RebuildAsync"/>.</summary>
    public const string CaptureTrigger = "appointments_usage_capture";

    private const string Occupying = "('booked', 'arrived', 'fulfilled', 'noshow')";

    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));

    /// <summary>
    /// Records the clinic's IANA zone. When the clinic was not registered or its zone differs, its usage is rebuilt from
    /// the ledger in the same transaction and true is returned. A zone PostgreSQL does not know throws and changes nothing.
    /// </summary>
    public async Task<bool> RegisterClinicAsync(string clinicId, string timeZoneId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clinicId);
        ArgumentException.ThrowIfNullOrEmpty(timeZoneId);
        await using var cmd = _dataSource.CreateCommand("SELECT usage_register_clinic($1, $2)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = clinicId, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = timeZoneId, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.CommandTimeout = 0;
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>Folds the pending deltas into the aggregates. Returns how many were folded, or -1 when another compaction is running.</summary>
    public async Task<long> CompactAsync(CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT usage_compact()");
        cmd.CommandTimeout = 0;
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Recomputes the aggregates of one clinic, or of every clinic when <paramref name="clinicId"/> is null, from the
    /// ledger. Bookings wait while it runs. Returns the number of ledger rows counted.
    /// </summary>
    public async Task<long> RebuildAsync(string? clinicId = null, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT usage_rebuild($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)clinicId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.CommandTimeout = 0;
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>Turns the capture trigger on or off (for bulk loads; rebuild afterwards). Takes a short exclusive lock on the ledger.</summary>
    public async Task SetCaptureEnabledAsync(bool enabled, CancellationToken ct = default)
    {
#pragma warning disable CA2100 // Fixed SQL.
        await using var cmd = _dataSource.CreateCommand(
            $"ALTER TABLE appointments {(enabled ? "ENABLE" : "DISABLE")} TRIGGER {CaptureTrigger}");
#pragma warning restore CA2100
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Deltas waiting for compaction.</summary>
    public async Task<long> PendingDeltasAsync(CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT count(*) FROM usage_delta");
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public Task<IReadOnlyList<RoomDayFigures>> RoomDaysAsync(IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, CancellationToken ct = default) =>
        QueryAsync(
            $"""
            WITH d AS (
                SELECT clinic_id, local_day AS day, room_id, sum(sign * treatment_minutes) AS tm,
                       sum(sign * turnover_minutes) AS tu, sum(sign) AS n
                  FROM usage_delta WHERE clinic_id = ANY($1) AND local_day BETWEEN $2 AND $3 AND status IN {Occupying}
                 GROUP BY clinic_id, local_day, room_id)
            SELECT clinic_id, room_id, day, coalesce(u.treatment_minutes, 0) + coalesce(d.tm, 0),
                   coalesce(u.turnover_minutes, 0) + coalesce(d.tu, 0), (coalesce(u.appointments, 0) + coalesce(d.n, 0))::integer
              FROM (SELECT * FROM usage_room_day WHERE clinic_id = ANY($1) AND day BETWEEN $2 AND $3) u
              FULL JOIN d USING (clinic_id, day, room_id)
             WHERE coalesce(u.appointments, 0) + coalesce(d.n, 0) <> 0
                OR coalesce(u.treatment_minutes, 0) + coalesce(d.tm, 0) <> 0
                OR coalesce(u.turnover_minutes, 0) + coalesce(d.tu, 0) <> 0
            """,
            clinicIds, from, to, ReadRoomDay, RoomDayOrder, ct);

    public Task<IReadOnlyList<TherapistDayFigures>> TherapistDaysAsync(IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, CancellationToken ct = default) =>
        QueryAsync(
            $"""
            WITH d AS (
                SELECT clinic_id, local_day AS day, therapist_id, sum(sign * treatment_minutes) AS m, sum(sign) AS n
                  FROM usage_delta WHERE clinic_id = ANY($1) AND local_day BETWEEN $2 AND $3 AND status IN {Occupying}
                 GROUP BY clinic_id, local_day, therapist_id)
            SELECT clinic_id, therapist_id, day, coalesce(u.booked_minutes, 0) + coalesce(d.m, 0),
                   (coalesce(u.appointments, 0) + coalesce(d.n, 0))::integer
              FROM (SELECT * FROM usage_therapist_day WHERE clinic_id = ANY($1) AND day BETWEEN $2 AND $3) u
              FULL JOIN d USING (clinic_id, day, therapist_id)
             WHERE coalesce(u.appointments, 0) + coalesce(d.n, 0) <> 0 OR coalesce(u.booked_minutes, 0) + coalesce(d.m, 0) <> 0
            """,
            clinicIds, from, to, ReadTherapistDay, TherapistDayOrder, ct);

    /// <summary>
    /// Treatment minutes per local date and hour, for the dates <paramref name="from"/>..<paramref name="to"/> on which
    /// the minutes happen (an appointment running past midnight puts its later minutes on the next date).
    /// </summary>
    public Task<IReadOnlyList<HourFigures>> ClinicHoursAsync(IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, CancellationToken ct = default) =>
        QueryAsync(
            $"""
            WITH d AS (
                SELECT x.clinic_id, s.local_day AS day, s.local_hour AS hour, sum(x.sign * s.minutes) AS m
                  FROM usage_delta x JOIN report_clinics z ON z.clinic_id = x.clinic_id
                  CROSS JOIN LATERAL usage_hour_slices(x.starts_at, x.ends_at, z.time_zone) s
                 WHERE x.clinic_id = ANY($1) AND x.local_day BETWEEN $2 - 1 AND $3 AND x.status IN {Occupying}
                   AND s.local_day BETWEEN $2 AND $3
                 GROUP BY x.clinic_id, s.local_day, s.local_hour)
            SELECT clinic_id, day, hour, coalesce(u.treatment_minutes, 0) + coalesce(d.m, 0)
              FROM (SELECT * FROM usage_clinic_hour WHERE clinic_id = ANY($1) AND day BETWEEN $2 AND $3) u
              FULL JOIN d USING (clinic_id, day, hour)
             WHERE coalesce(u.treatment_minutes, 0) + coalesce(d.m, 0) <> 0
            """,
            clinicIds, from, to, ReadClinicHour, ClinicHourOrder, ct);

    public Task<IReadOnlyList<StatusFigures>> StatusCountsAsync(IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, CancellationToken ct = default) =>
        QueryAsync(
            """
            WITH d AS (
                SELECT clinic_id, local_day AS day, service_id, status, cancelled_late, sum(sign) AS n
                  FROM usage_delta WHERE clinic_id = ANY($1) AND local_day BETWEEN $2 AND $3
                 GROUP BY clinic_id, local_day, service_id, status, cancelled_late)
            SELECT clinic_id, day, service_id, status, cancelled_late, (coalesce(u.appointments, 0) + coalesce(d.n, 0))::integer
              FROM (SELECT * FROM usage_status_day WHERE clinic_id = ANY($1) AND day BETWEEN $2 AND $3) u
              FULL JOIN d USING (clinic_id, day, service_id, status, cancelled_late)
             WHERE coalesce(u.appointments, 0) + coalesce(d.n, 0) <> 0
            """,
            clinicIds, from, to, ReadStatusCount, StatusCountOrder, ct);

    /// <summary>Unique and new clients per clinic (see <see cref="ClientFigures"/>), straight from the ledger. Clinics without appointments in the period have no row.</summary>
    public Task<IReadOnlyList<ClientFigures>> ClientCountsAsync(IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, CancellationToken ct = default) =>
        QueryAsync(
            $"""
            WITH p AS (
                SELECT a.clinic_id, a.client_id
                  FROM report_clinics z JOIN appointments a ON a.clinic_id = z.clinic_id
                 WHERE {PlainStartFilter} AND a.cancel_reason IS DISTINCT FROM 'hold-expired'
                 GROUP BY a.clinic_id, a.client_id)
            SELECT p.clinic_id, count(*)::integer,
                   (count(*) FILTER (WHERE NOT EXISTS (
                        SELECT 1 FROM appointments b JOIN report_clinics z ON z.clinic_id = b.clinic_id
                         WHERE b.client_id = p.client_id AND b.clinic_id = p.clinic_id
                           AND b.starts_at < ($2::timestamp AT TIME ZONE z.time_zone) + interval '1 day'
                           AND (b.starts_at AT TIME ZONE z.time_zone)::date < $2
                           AND b.cancel_reason IS DISTINCT FROM 'hold-expired')))::integer
              FROM p GROUP BY p.clinic_id
            """,
            clinicIds, from, to, r => new ClientFigures(r.GetString(0), r.GetInt32(1), r.GetInt32(2)),
            (a, b) => string.CompareOrdinal(a.ClinicId, b.ClinicId), ct);

    /// <summary>
    /// Appointments of the clinics whose clinic-local start date is in $2..$3: a range on starts_at one day wider than
    /// the local dates (so the clinic_starts index is used whatever the zone), then the exact local date.
    /// </summary>
    private const string PlainStartFilter =
        """
        z.clinic_id = ANY($1)
               AND a.starts_at >= ($2::timestamp AT TIME ZONE z.time_zone) - interval '1 day'
               AND a.starts_at < (($3 + 1)::timestamp AT TIME ZONE z.time_zone) + interval '1 day'
               AND (a.starts_at AT TIME ZONE z.time_zone)::date BETWEEN $2 AND $3
        """;

    private Task<IReadOnlyList<T>> QueryAsync<T>(
        string sql, IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to, Func<DbDataReader, T> read, Comparison<T> order,
        CancellationToken ct) =>
        QueryAsync(_dataSource, sql, clinicIds, from, to, read, order, ct);

    /// <summary>
    /// Runs a report query over <c>$1</c> clinic ids and the <c>$2</c>..<c>$3</c> local dates and returns its rows in
    /// <paramref name="order"/>. Shared with the tests' plain queries (their own SQL, the same reading and order).
    /// </summary>
    internal static async Task<IReadOnlyList<T>> QueryAsync<T>(
        NpgsqlDataSource dataSource, string sql, IReadOnlyCollection<string> clinicIds, LocalDate from, LocalDate to,
        Func<DbDataReader, T> read, Comparison<T> order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clinicIds);
        var list = new List<T>();
        if (clinicIds.Count == 0 || from > to)
        {
            return list;
        }
#pragma warning disable CA2100 // Fixed SQL; values are parameters.
        await using var cmd = dataSource.CreateCommand(sql);
#pragma warning restore CA2100
        cmd.Parameters.Add(new NpgsqlParameter { Value = clinicIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = from.ToDateOnly(), NpgsqlDbType = NpgsqlDbType.Date });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to.ToDateOnly(), NpgsqlDbType = NpgsqlDbType.Date });
        cmd.CommandTimeout = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(read(reader));
        }
        // Sorted here rather than in SQL: an ordinal sort of the rows is cheaper than PostgreSQL's sort under its collation.
        list.Sort(order);
        return list;
    }

    private static int RoomDayOrder(RoomDayFigures a, RoomDayFigures b) =>
        Compare(string.CompareOrdinal(a.ClinicId, b.ClinicId), a.Day.CompareTo(b.Day), string.CompareOrdinal(a.RoomId, b.RoomId));

    private static int TherapistDayOrder(TherapistDayFigures a, TherapistDayFigures b) =>
        Compare(string.CompareOrdinal(a.ClinicId, b.ClinicId), a.Day.CompareTo(b.Day), string.CompareOrdinal(a.TherapistId, b.TherapistId));

    private static int ClinicHourOrder(HourFigures a, HourFigures b) =>
        Compare(string.CompareOrdinal(a.ClinicId, b.ClinicId), a.Day.CompareTo(b.Day), a.Hour.CompareTo(b.Hour));

    private static int StatusCountOrder(StatusFigures a, StatusFigures b) =>
        Compare(
            Compare(string.CompareOrdinal(a.ClinicId, b.ClinicId), a.Day.CompareTo(b.Day), string.CompareOrdinal(a.ServiceId, b.ServiceId)),
            a.Status.CompareTo(b.Status),
            a.CancelledLate.CompareTo(b.CancelledLate));

    private static int Compare(int first, int second, int third) => first != 0 ? first : second != 0 ? second : third;

    private static LocalDate ReadDate(DbDataReader r, int ordinal) => LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(ordinal));

    private static RoomDayFigures ReadRoomDay(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), ReadDate(r, 2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(5));

    private static TherapistDayFigures ReadTherapistDay(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), ReadDate(r, 2), r.GetInt64(3), r.GetInt32(4));

    private static HourFigures ReadClinicHour(DbDataReader r) =>
        new(r.GetString(0), ReadDate(r, 1), r.GetInt16(2), r.GetInt64(3));

    private static StatusFigures ReadStatusCount(DbDataReader r) =>
        new(r.GetString(0), ReadDate(r, 1), r.GetString(2), AppointmentStatusNames.Parse(r.GetString(3)), r.GetBoolean(4), r.GetInt32(5));
}
