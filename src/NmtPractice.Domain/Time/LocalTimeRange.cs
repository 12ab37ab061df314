using NodaTime.TimeZones;

namespace NmtPractice.Domain.Time;

/// <summary>
/// A wall-clock range within one day, half-open [Start, End). An <see cref="End"/> of midnight
/// (<see cref="LocalTime.Midnight"/>) means "until the end of the day", so 00:00-00:00 is the whole day.
/// </summary>
public readonly record struct LocalTimeRange(LocalTime Start, LocalTime End)
{
    public bool EndsAtMidnight => End == LocalTime.Midnight;

    public bool IsValid => EndsAtMidnight || Start < End;

    public override string ToString() => $"{Start:HH:mm}-{(EndsAtMidnight ? "24:00" : End.ToString("HH:mm", null))}";

    /// <summary>
    /// Maps this range on <paramref name="date"/> onto the time line of <paramref name="zone"/>.
    /// On a daylight-saving day the wall clock decides: a start or end in a skipped hour moves forward to the
    /// first valid instant (the moment the clock jumps); a start in a repeated hour takes the earlier instant and
    /// an end in a repeated hour the later one, so a range covering the whole night never loses or duplicates an
    /// hour of real time.
    /// </summary>
    public Interval ToInterval(LocalDate date, DateTimeZone zone)
    {
        var start = zone.ResolveLocal(date + Start, StartResolver).ToInstant();
        var endLocal = EndsAtMidnight ? date.PlusDays(1).AtMidnight() : date + End;
        var end = zone.ResolveLocal(endLocal, EndResolver).ToInstant();
        return new Interval(start, end);
    }

    private static readonly ZoneLocalMappingResolver StartResolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    private static readonly ZoneLocalMappingResolver EndResolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnLater, Resolvers.ReturnStartOfIntervalAfter);
}
