namespace NmtPractice.Cli.Output;

/// <summary>How instants are shown to a person: on the clinic's wall clock, with the zone named nearby.</summary>
public static class Times
{
    private static readonly ZonedDateTimePattern DayTime = ZonedDateTimePattern.CreateWithInvariantCulture("ddd uuuu-MM-dd HH:mm", null);
    private static readonly ZonedDateTimePattern Clock = ZonedDateTimePattern.CreateWithInvariantCulture("HH:mm", null);
    private static readonly ZonedDateTimePattern Full = ZonedDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm o<+HH:mm>", null);

    public static Instant ToInstant(Timestamp timestamp) => Instant.FromDateTimeOffset(timestamp.ToDateTimeOffset());

    public static DateTimeZone ZoneOrUtc(string? id) =>
        string.IsNullOrEmpty(id) ? DateTimeZone.Utc : DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) ?? DateTimeZone.Utc;

    /// <summary>"Tue 2026-12-01 10:00", or "" when unset.</summary>
    public static string DayAndTime(Timestamp? t, DateTimeZone zone) => t is null ? "" : DayTime.Format(ToInstant(t).InZone(zone));

    private static readonly ZonedDateTimePattern DayOnly = ZonedDateTimePattern.CreateWithInvariantCulture("ddd uuuu-MM-dd", null);

    /// <summary>"Tue 2026-12-01", or "" when unset.</summary>
    public static string Day(Timestamp? t, DateTimeZone zone) => t is null ? "" : DayOnly.Format(ToInstant(t).InZone(zone));

    /// <summary>"10:00", or "" when unset.</summary>
    public static string Time(Timestamp? t, DateTimeZone zone) => t is null ? "" : Clock.Format(ToInstant(t).InZone(zone));

    /// <summary>"10:00–11:00"; the end carries its date when it falls on another day ("22:00–02:00 +1d").</summary>
    public static string Range(Timestamp? start, Timestamp? end, DateTimeZone zone)
    {
        if (start is null || end is null)
        {
            return "";
        }
        var s = ToInstant(start).InZone(zone);
        var e = ToInstant(end).InZone(zone);
        var days = Period.Between(s.Date, e.Date, PeriodUnits.Days).Days;
        return $"{Clock.Format(s)}–{Clock.Format(e)}{(days > 0 ? $" +{days}d" : "")}";
    }

    /// <summary>"2026-12-01 10:00 +00:00 Europe/London": unambiguous, for a single record.</summary>
    public static string Unambiguous(Timestamp? t, DateTimeZone zone) => t is null ? "" : $"{Full.Format(ToInstant(t).InZone(zone))} {zone.Id}";
}
