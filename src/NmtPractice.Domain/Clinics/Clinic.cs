namespace NmtPractice.Domain.Clinics;

/// <summary>
/// A clinic (location): where its day is (an IANA time zone), when it is open, and what it has.
/// Rooms and services belong to the clinic; ids are unique within it.
/// </summary>
public sealed record Clinic(
    string Id,
    string Name,
    string Address,
    string TimeZoneId,
    IReadOnlyList<OpeningRange> OpeningHours,
    IReadOnlyList<Closure> Closures,
    Duration CancellationWindow,
    IReadOnlyList<Room> Rooms,
    IReadOnlyList<Service> Services)
{
    public static readonly Duration DefaultCancellationWindow = Duration.FromHours(24);

    public DateTimeZone Zone => TimeZones.Get(TimeZoneId);

    public Room? FindRoom(string roomId) => Rooms.FirstOrDefault(r => r.Id == roomId);

    public Service? FindService(string serviceId) => Services.FirstOrDefault(s => s.Id == serviceId);

    public bool IsClosedOn(LocalDate date) => Closures.Any(c => c.Dates.Contains(date));

    /// <summary>The instants the clinic is open on the local <paramref name="date"/>: nothing on a closure date.</summary>
    public IReadOnlyList<Interval> OpenIntervals(LocalDate date)
    {
        if (IsClosedOn(date))
        {
            return [];
        }
        var zone = Zone;
        return Intervals.Normalize(OpeningHours
            .Where(o => o.Day == date.DayOfWeek)
            .Select(o => o.Hours.ToInterval(date, zone)));
    }

    /// <summary>The clinic-local date on which <paramref name="instant"/> falls.</summary>
    public LocalDate LocalDateOf(Instant instant) => instant.InZone(Zone).Date;
}
