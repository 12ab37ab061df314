namespace NmtPractice.Domain.Time;

/// <summary>IANA time zones from the TZDB bundled with NodaTime.</summary>
public static class TimeZones
{
    public static bool IsKnown(string? id) => id is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is not null;

    public static DateTimeZone Get(string id) =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) ?? throw new ArgumentException($"Unknown IANA time zone '{id}'.", nameof(id));
}
