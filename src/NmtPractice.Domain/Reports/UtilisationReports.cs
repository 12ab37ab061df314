namespace NmtPractice.Domain.Reports;

/// <summary>
/// Combines usage from the ledger with open and rostered time from the configuration into report rows. Pure; the
/// definitions are in docs/reports.md.
/// </summary>
public static class UtilisationReports
{
    /// <summary>
    /// Room utilisation per room, clinic and chain for every bucket of <paramref name="from"/>..<paramref name="to"/>.
    /// Rooms: every configured room of the clinics, plus any room id found only in the usage; sorted by clinic, room,
    /// bucket. Clinic rows sum their rooms; chain rows sum the clinics. Usage rows outside the period or of other
    /// clinics are ignored.
    /// </summary>
    public static RoomUtilisationResult RoomUtilisation(
        IReadOnlyList<Clinic> clinics, IEnumerable<RoomDayFigures> usage, LocalDate from, LocalDate to, ReportBucket bucketing)
    {
        var buckets = ReportPeriod.BucketStarts(from, to, bucketing);
        var acc = new Dictionary<(string Clinic, string Room, LocalDate Bucket), Figures>();
        var clinicIds = clinics.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);

        foreach (var clinic in clinics)
        {
            foreach (var room in clinic.Rooms)
            {
                foreach (var bucket in buckets)
                {
                    acc[(clinic.Id, room.Id, bucket)] = default;
                }
            }
            foreach (var date in ReportPeriod.Dates(from, to))
            {
                var open = clinic.OpenIntervals(date);
                if (open.Count == 0)
                {
                    continue;
                }
                var bucket = ReportPeriod.BucketStart(date, bucketing);
                foreach (var room in clinic.Rooms)
                {
                    var key = (clinic.Id, room.Id, bucket);
                    acc[key] = acc[key] with { Open = acc[key].Open + OpenTime.Minutes(OpenTime.RoomOpenIntervals(open, room)) };
                }
            }
        }
        foreach (var u in usage)
        {
            if (u.Day < from || u.Day > to || !clinicIds.Contains(u.ClinicId))
            {
                continue;
            }
            var bucket = ReportPeriod.BucketStart(u.Day, bucketing);
            if (!acc.ContainsKey((u.ClinicId, u.RoomId, bucket)))
            {
                foreach (var b in buckets)
                {
                    acc.TryAdd((u.ClinicId, u.RoomId, b), default);
                }
            }
            var key = (u.ClinicId, u.RoomId, bucket);
            var f = acc[key];
            acc[key] = new Figures(f.Open, f.Treatment + u.TreatmentMinutes, f.Turnover + u.TurnoverMinutes, f.Appointments + u.Appointments);
        }

        var rooms = acc
            .OrderBy(kv => kv.Key.Clinic, StringComparer.Ordinal).ThenBy(kv => kv.Key.Room, StringComparer.Ordinal).ThenBy(kv => kv.Key.Bucket)
            .Select(kv => new RoomUtilisationFigures(kv.Key.Clinic, kv.Key.Room, kv.Key.Bucket, kv.Value.Open, kv.Value.Treatment, kv.Value.Turnover, kv.Value.Appointments))
            .ToList();
        var byClinic = rooms.ToLookup(r => (r.ClinicId!, r.BucketStart));
        var clinicRows = clinics
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .SelectMany(c => buckets.Select(b => Sum(c.Id, null, b, byClinic[(c.Id, b)])))
            .ToList();
        var byBucket = clinicRows.ToLookup(r => r.BucketStart);
        var chain = buckets.Select(b => Sum(null, null, b, byBucket[b])).ToList();
        return new RoomUtilisationResult(rooms, clinicRows, chain);
    }

    /// <summary>
    /// Therapist utilisation per therapist, clinic and bucket. A (therapist, clinic) pair is reported, for every bucket,
    /// when the therapist was rostered there or booked there at some time in the period. Sorted by therapist, clinic, bucket.
    /// </summary>
    public static IReadOnlyList<TherapistUtilisationFigures> TherapistUtilisation(
        IReadOnlyList<Clinic> clinics, IReadOnlyList<Therapist> therapists, IEnumerable<TherapistDayFigures> usage,
        LocalDate from, LocalDate to, ReportBucket bucketing)
    {
        var buckets = ReportPeriod.BucketStarts(from, to, bucketing);
        var acc = new Dictionary<(string Therapist, string Clinic, LocalDate Bucket), (long Rostered, long Booked, int Appointments)>();
        var clinicById = clinics.ToDictionary(c => c.Id, StringComparer.Ordinal);

        foreach (var clinic in clinics)
        {
            var openByDate = ReportPeriod.Dates(from, to).ToDictionary(d => d, clinic.OpenIntervals);
            foreach (var therapist in therapists)
            {
                if (!therapist.Rosters.Any(r => r.ClinicId == clinic.Id)
                    && !therapist.Exceptions.Any(e => e.Kind == RosterExceptionKind.ExtraShift && e.ClinicId == clinic.Id))
                {
                    continue;
                }
                foreach (var (date, open) in openByDate)
                {
                    var minutes = OpenTime.Minutes(OpenTime.RosteredIntervals(therapist, clinic, open, date));
                    if (minutes == 0)
                    {
                        continue;
                    }
                    var key = (therapist.Id, clinic.Id, ReportPeriod.BucketStart(date, bucketing));
                    var v = acc.GetValueOrDefault(key);
                    acc[key] = (v.Rostered + minutes, v.Booked, v.Appointments);
                }
            }
        }
        foreach (var u in usage)
        {
            if (u.Day < from || u.Day > to || !clinicById.ContainsKey(u.ClinicId))
            {
                continue;
            }
            var key = (u.TherapistId, u.ClinicId, ReportPeriod.BucketStart(u.Day, bucketing));
            var v = acc.GetValueOrDefault(key);
            acc[key] = (v.Rostered, v.Booked + u.BookedMinutes, v.Appointments + u.Appointments);
        }

        var pairs = acc.Keys.Select(k => (k.Therapist, k.Clinic)).Distinct()
            .OrderBy(p => p.Therapist, StringComparer.Ordinal).ThenBy(p => p.Clinic, StringComparer.Ordinal);
        return pairs
            .SelectMany(p => buckets.Select(b =>
            {
                var v = acc.GetValueOrDefault((p.Therapist, p.Clinic, b));
                return new TherapistUtilisationFigures(p.Therapist, p.Clinic, b, v.Rostered, v.Booked, v.Appointments);
            }))
            .ToList();
    }

    /// <summary>
    /// Counts by status (cancellations split by the late flag) and revenue: for each fulfilled appointment, the price of
    /// its service as the clinic configures it now, in minor units (price x 100, rounded half away from zero per
    /// service); services no longer configured earn nothing.
    /// </summary>
    public static SummaryFigures Summary(Clinic clinic, IEnumerable<StatusFigures> statuses)
    {
        int pending = 0, booked = 0, arrived = 0, fulfilled = 0, cancelledInTime = 0, cancelledLate = 0, noShows = 0;
        long revenue = 0;
        foreach (var s in statuses)
        {
            switch (s.Status)
            {
                case AppointmentStatus.Pending: pending += s.Appointments; break;
                case AppointmentStatus.Booked: booked += s.Appointments; break;
                case AppointmentStatus.Arrived: arrived += s.Appointments; break;
                case AppointmentStatus.Fulfilled:
                    fulfilled += s.Appointments;
                    if (clinic.FindService(s.ServiceId) is { } service)
                    {
                        revenue += s.Appointments * PriceMinor(service.Price);
                    }
                    break;
                case AppointmentStatus.Cancelled when s.CancelledLate: cancelledLate += s.Appointments; break;
                case AppointmentStatus.Cancelled: cancelledInTime += s.Appointments; break;
                case AppointmentStatus.NoShow: noShows += s.Appointments; break;
                default: break;
            }
        }
        return new SummaryFigures(pending, booked, arrived, fulfilled, cancelledInTime, cancelledLate, noShows, revenue);
    }

    public static long PriceMinor(decimal price) => (long)decimal.Round(price * 100m, MidpointRounding.AwayFromZero);

    /// <summary>
    /// The occupancy heatmap of one clinic: for each ISO weekday and local hour (all 7 x 24 cells, Monday 0:00 first),
    /// open room minutes (every room's open time, see <see cref="OpenTime.RoomOpenIntervals(Clinic, Room, LocalDate)"/>,
    /// split over the wall-clock hours) and treatment minutes, summed over the dates of the period.
    /// </summary>
    public static IReadOnlyList<HeatmapFigures> Heatmap(Clinic clinic, IEnumerable<HourFigures> usage, LocalDate from, LocalDate to)
    {
        var zone = clinic.Zone;
        var open = new Dictionary<(LocalDate Date, int Hour), long>();
        foreach (var date in ReportPeriod.Dates(from, to))
        {
            var clinicOpen = clinic.OpenIntervals(date);
            foreach (var room in clinic.Rooms)
            {
                OpenTime.AddHourMinutes(OpenTime.RoomOpenIntervals(clinicOpen, room), zone, open);
            }
        }
        var openCells = new long[8, 24];
        foreach (var ((date, hour), minutes) in open)
        {
            if (date >= from && date <= to)
            {
                openCells[(int)date.DayOfWeek, hour] += minutes;
            }
        }
        var treatmentCells = new long[8, 24];
        foreach (var u in usage)
        {
            if (u.Day >= from && u.Day <= to)
            {
                treatmentCells[(int)u.Day.DayOfWeek, u.Hour] += u.TreatmentMinutes;
            }
        }
        var cells = new List<HeatmapFigures>(7 * 24);
        for (var day = 1; day <= 7; day++)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                cells.Add(new HeatmapFigures((IsoDayOfWeek)day, hour, openCells[day, hour], treatmentCells[day, hour]));
            }
        }
        return cells;
    }

    private static RoomUtilisationFigures Sum(string? clinicId, string? roomId, LocalDate bucket, IEnumerable<RoomUtilisationFigures> rows)
    {
        long open = 0, treatment = 0, turnover = 0;
        var appointments = 0;
        foreach (var r in rows)
        {
            open += r.OpenMinutes;
            treatment += r.TreatmentMinutes;
            turnover += r.TurnoverMinutes;
            appointments += r.Appointments;
        }
        return new RoomUtilisationFigures(clinicId, roomId, bucket, open, treatment, turnover, appointments);
    }

    private readonly record struct Figures(long Open, long Treatment, long Turnover, int Appointments);
}
