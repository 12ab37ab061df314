namespace NmtPractice.Domain.Reports;

/// <summary>
/// The denominators of utilisation, measured on the time line (so a daylight-saving day open through the change
/// really has 23 or 25 hours). Minutes are whole minutes, rounded down; configuration is in whole minutes anyway.
/// </summary>
public static class OpenTime
{
    /// <summary>
    /// When the room could be used on the clinic-local <paramref name="date"/>: the clinic's opening hours (none on a
    /// closure date) minus the room's out-of-service periods.
    /// </summary>
    public static IReadOnlyList<Interval> RoomOpenIntervals(Clinic clinic, Room room, LocalDate date) =>
        RoomOpenIntervals(clinic.OpenIntervals(date), room);

    /// <summary>The clinic's open intervals of a day (<see cref="Clinic.OpenIntervals"/>) minus the room's out-of-service periods.</summary>
    public static IReadOnlyList<Interval> RoomOpenIntervals(IReadOnlyList<Interval> clinicOpen, Room room)
    {
        if (clinicOpen.Count == 0 || room.OutOfService.Count == 0)
        {
            return clinicOpen;
        }
        return Intervals.Subtract(clinicOpen, room.OutOfService.Select(p => p.Period));
    }

    public static long RoomOpenMinutes(Clinic clinic, Room room, LocalDate date) => Minutes(RoomOpenIntervals(clinic, room, date));

    /// <summary>
    /// When the therapist is rostered and bookable at the clinic on its local <paramref name="date"/>: shifts of the
    /// roster plus extra shifts, minus leave and sickness (<see cref="Therapist.WorkingIntervals"/>), within the
    /// clinic's opening hours (so nothing on a closure date), exactly the time availability search offers.
    /// </summary>
    public static IReadOnlyList<Interval> RosteredIntervals(Therapist therapist, Clinic clinic, LocalDate date) =>
        RosteredIntervals(therapist, clinic, clinic.OpenIntervals(date), date);

    public static IReadOnlyList<Interval> RosteredIntervals(Therapist therapist, Clinic clinic, IReadOnlyList<Interval> clinicOpen, LocalDate date) =>
        clinicOpen.Count == 0 ? [] : Intervals.Intersect(clinicOpen, therapist.WorkingIntervals(clinic.Id, clinic.Zone, date));

    public static long RosteredMinutes(Therapist therapist, Clinic clinic, LocalDate date) => Minutes(RosteredIntervals(therapist, clinic, date));

    /// <summary>Whole minutes of the union of the intervals.</summary>
    public static long Minutes(IEnumerable<Interval> intervals) => (long)Math.Floor(Intervals.TotalDuration(intervals).TotalMinutes);

    /// <summary>
    /// Splits intervals over the local wall-clock hours of <paramref name="zone"/>: minutes per (local date, hour 0..23),
    /// each minute counted at the date and hour the clinic's clock shows then. In the hour the clocks repeat, both
    /// passes count (up to 120 minutes); the hour they skip gets nothing. Works on 15-minute slices of UTC, which never
    /// straddle a local hour because every UTC offset in use is a multiple of 15 minutes (the ledger splits the same way).
    /// </summary>
    public static void AddHourMinutes(IEnumerable<Interval> intervals, DateTimeZone zone, IDictionary<(LocalDate Date, int Hour), long> into)
    {
        var slice = Duration.FromMinutes(15);
        foreach (var interval in intervals)
        {
            var t = interval.Start;
            while (t < interval.End)
            {
                var ticks = t.ToUnixTimeTicks();
                var boundary = Instant.FromUnixTimeTicks(ticks - Mod(ticks, slice.BclCompatibleTicks)) + slice;
                var end = boundary < interval.End ? boundary : interval.End;
                var local = t.InZone(zone);
                var key = (local.Date, local.Hour);
                into[key] = into.TryGetValue(key, out var sum) ? sum + (long)(end - t).TotalMinutes : (long)(end - t).TotalMinutes;
                t = end;
            }
        }
    }

    private static long Mod(long a, long m) => ((a % m) + m) % m;
}
