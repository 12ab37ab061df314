using NmtPractice.Domain.Reports;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace NmtPractice.Benchmarks;

/// <summary>
/// The reports benchmark's second plain form, "aggregate first, then join the grid": the appointments are aggregated
/// per room and clinic-local day in a subquery (a range on starts_at one day wider than the local dates, then the
/// exact local date, as <c>PlainReportQueries</c> does), and the result is left-joined to the grid of every configured
/// room and every date of the period, so every room-day comes back, zeros included (as the report path's rows do).
/// The rooms come from the clinics' configuration (there is no rooms table in the database).
/// </summary>
public sealed class GridReportQuery(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        WITH rooms AS (SELECT * FROM unnest($1::text[], $2::text[]) AS r(clinic_id, room_id)),
        grid AS (SELECT r.clinic_id, r.room_id, d::date AS day
                   FROM rooms r CROSS JOIN generate_series($3::date, $4::date, interval '1 day') d),
        agg AS (SELECT a.clinic_id, a.room_id, (a.starts_at AT TIME ZONE z.time_zone)::date AS day,
                       sum(floor(extract(epoch FROM a.ends_at - a.starts_at) / 60))::bigint AS treatment,
                       sum(floor(extract(epoch FROM a.room_free_at - a.ends_at) / 60))::bigint AS turnover,
                       count(*)::integer AS appointments
                  FROM report_clinics z JOIN appointments a ON a.clinic_id = z.clinic_id
                 WHERE z.clinic_id IN (SELECT DISTINCT clinic_id FROM rooms)
                   AND a.starts_at >= ($3::timestamp AT TIME ZONE z.time_zone) - interval '1 day'
                   AND a.starts_at < (($4 + 1)::timestamp AT TIME ZONE z.time_zone) + interval '1 day'
                   AND (a.starts_at AT TIME ZONE z.time_zone)::date BETWEEN $3 AND $4
                   AND a.status IN ('booked', 'arrived', 'fulfilled', 'noshow')
                 GROUP BY 1, 2, 3)
        SELECT g.clinic_id, g.room_id, g.day, coalesce(agg.treatment, 0), coalesce(agg.turnover, 0), coalesce(agg.appointments, 0)
          FROM grid g LEFT JOIN agg ON agg.clinic_id = g.clinic_id AND agg.room_id = g.room_id AND agg.day = g.day
         ORDER BY g.clinic_id, g.day, g.room_id
        """;

    public async Task<IReadOnlyList<RoomDayFigures>> RoomDaysAsync(IReadOnlyList<(string ClinicId, string RoomId)> rooms, LocalDate from, LocalDate to, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(Sql);
        cmd.CommandTimeout = 0;
        cmd.Parameters.Add(new NpgsqlParameter { Value = rooms.Select(r => r.ClinicId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rooms.Select(r => r.RoomId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = from.ToDateOnly(), NpgsqlDbType = NpgsqlDbType.Date });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to.ToDateOnly(), NpgsqlDbType = NpgsqlDbType.Date });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<RoomDayFigures>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new RoomDayFigures(reader.GetString(0), reader.GetString(1), LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(2)),
                reader.GetInt64(3), reader.GetInt64(4), reader.GetInt32(5)));
        }
        return rows;
    }
}
