using System.Text.RegularExpressions;
using NodaTime.TimeZones;

namespace NmtPractice.Cli.Parsing;

/// <summary>
/// The one place where command-line text becomes API values: dates, times, zones, opening ranges, roster shifts,
/// qualifications. Every failure is a <see cref="CliUsageException"/> naming the option (exit code 2).
/// </summary>
public static partial class Args
{
    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Iso;
    private static readonly LocalTimePattern TimePattern = LocalTimePattern.CreateWithInvariantCulture("HH:mm");
    private static readonly LocalDateTimePattern LocalPattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm");
    private static readonly LocalDateTimePattern LocalSecondsPattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss");
    private static readonly OffsetPattern UtcOffsetPattern = OffsetPattern.CreateWithInvariantCulture("+HH:mm");
    private static readonly OffsetDateTimePattern OffsetSecondsPattern = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss;FFFFFFFFFo<Z+HH:mm>");
    private static readonly OffsetDateTimePattern OffsetMinutesPattern = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mmo<Z+HH:mm>");

    /// <summary>A date "yyyy-MM-dd", returned in the API's form.</summary>
    public static string Date(string text, string field) => DatePattern.Format(LocalDateOf(text, field));

    public static LocalDate LocalDateOf(string text, string field)
    {
        var result = DatePattern.Parse(text.Trim());
        return result.Success ? result.Value : throw new CliUsageException(field, $"{field}: '{text}' is not a date; write yyyy-MM-dd, e.g. 2026-12-01.");
    }

    /// <summary>"HH:mm" (24-hour); "24:00" only where <paramref name="allowEndOfDay"/>. Returned as typed.</summary>
    public static string Time(string text, string field, bool allowEndOfDay = false)
    {
        var t = text.Trim();
        if (allowEndOfDay && t == "24:00")
        {
            return t;
        }
        var result = TimePattern.Parse(t);
        return result.Success ? TimePattern.Format(result.Value) : throw new CliUsageException(field, $"{field}: '{text}' is not a time; write HH:mm, e.g. 09:30.");
    }

    /// <summary>
    /// "2026-12-01T10:00" (wall clock, the zone is resolved later), "2026-12-01T10:00Z", "2026-12-01T10:00+01:00",
    /// with optional seconds.
    /// </summary>
    public static WhenArg When(string text, string field)
    {
        var t = text.Trim();
        foreach (var pattern in new[] { OffsetMinutesPattern, OffsetSecondsPattern })
        {
            var offset = pattern.Parse(t);
            if (offset.Success)
            {
                return new WhenArg(offset.Value.ToInstant(), null);
            }
        }
        foreach (var pattern in new[] { LocalPattern, LocalSecondsPattern })
        {
            var local = pattern.Parse(t);
            if (local.Success)
            {
                return new WhenArg(null, local.Value);
            }
        }
        throw new CliUsageException(field,
            $"{field}: '{text}' is not a time; write 2026-12-01T10:00 (clinic time), 2026-12-01T10:00Z or 2026-12-01T10:00+01:00.");
    }

    /// <summary>An IANA time zone such as "Europe/London".</summary>
    public static DateTimeZone Zone(string id, string field) =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(id.Trim())
        ?? throw new CliUsageException(field, $"{field}: '{id}' is not an IANA time zone (e.g. Europe/London, America/New_York).");

    /// <summary>
    /// The instant of <paramref name="when"/>, a wall-clock time read in <paramref name="zone"/>. A time that the clocks
    /// skip, or one they pass twice, is refused rather than guessed: the caller writes the offset to choose.
    /// </summary>
    public static Instant Resolve(WhenArg when, DateTimeZone? zone, string field)
    {
        if (when.Instant is { } instant)
        {
            return instant;
        }
        if (zone is null)
        {
            throw new CliUsageException(field, $"{field}: a clinic time needs a zone; give --zone or write the offset (2026-12-01T10:00+00:00).");
        }
        var local = when.Local!.Value;
        var mapping = zone.MapLocal(local);
        return mapping.Count switch
        {
            1 => mapping.Single().ToInstant(),
            0 => throw new CliUsageException(field,
                $"{field}: {LocalPattern.Format(local)} does not exist in {zone.Id} (the clocks go forward then)."),
            _ => throw new CliUsageException(field,
                $"{field}: {LocalPattern.Format(local)} happens twice in {zone.Id} (the clocks go back); " +
                $"write the offset: {LocalPattern.Format(local)}{FormatOffset(mapping.First().Offset)} or {LocalPattern.Format(local)}{FormatOffset(mapping.Last().Offset)}."),
        };
    }

    public static Timestamp Timestamp(Instant instant) => Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(instant.ToDateTimeOffset());

    /// <summary>Midnight at the start of <paramref name="date"/> in <paramref name="zone"/> (later if midnight is skipped).</summary>
    public static Instant StartOfDay(LocalDate date, DateTimeZone zone) => zone.AtStartOfDay(date).ToInstant();

    /// <summary>"+01:00", "-05:00", "+00:00".</summary>
    public static string FormatOffset(Offset offset) => UtcOffsetPattern.Format(offset);

    /// <summary>"mon", "monday", "Mon" as a <see cref="DayOfWeek"/>.</summary>
    public static Api.V1.DayOfWeek Day(string text, string field)
    {
        var t = text.Trim().ToUpperInvariant();
        foreach (var day in Days)
        {
            var name = day.ToString().ToUpperInvariant();
            if (t.Length >= 3 && name.StartsWith(t, StringComparison.Ordinal))
            {
                return day;
            }
        }
        throw new CliUsageException(field, $"{field}: '{text}' is not a day; write mon, tue, wed, thu, fri, sat or sun.");
    }

    private static readonly Api.V1.DayOfWeek[] Days =
    [
        Api.V1.DayOfWeek.Monday, Api.V1.DayOfWeek.Tuesday, Api.V1.DayOfWeek.Wednesday, Api.V1.DayOfWeek.Thursday,
        Api.V1.DayOfWeek.Friday, Api.V1.DayOfWeek.Saturday, Api.V1.DayOfWeek.Sunday,
    ];

    /// <summary>"mon" or a range "mon-fri" (Monday first), as the days in order.</summary>
    public static IReadOnlyList<Api.V1.DayOfWeek> DayRange(string text, string field)
    {
        var parts = text.Split('-', 2);
        var first = Day(parts[0], field);
        if (parts.Length == 1)
        {
            return [first];
        }
        var last = Day(parts[1], field);
        if (last < first)
        {
            throw new CliUsageException(field, $"{field}: '{text}': a day range runs forward from Monday to Sunday (e.g. mon-fri).");
        }
        return [.. Days.Where(d => d >= first && d <= last)];
    }

    [GeneratedRegex(@"^\s*(?:w(?<week>\d+):)?(?<days>[A-Za-z]+(?:-[A-Za-z]+)?)=(?<start>\d{1,2}:\d{2})-(?<end>\d{1,2}:\d{2})\s*$")]
    private static partial Regex DayTimesRegex();

    /// <summary>"mon-fri=09:00-17:00": one <see cref="OpeningRange"/> per day. "sat=10:00-14:00". End "24:00" is midnight.</summary>
    public static IEnumerable<OpeningRange> OpeningRanges(string text, string field)
    {
        var (week, days, start, end) = DayTimes(text, field);
        if (week != 0)
        {
            throw new CliUsageException(field, $"{field}: '{text}': opening hours have no week number.");
        }
        return days.Select(d => new OpeningRange { Day = d, Start = start, End = end });
    }

    /// <summary>"mon-fri=09:00-17:00" or, in a rotating roster, "w1:mon-fri=09:00-17:00" (week 0 is the anchor's week).</summary>
    public static IEnumerable<RosterShift> Shifts(string text, string field)
    {
        var (week, days, start, end) = DayTimes(text, field);
        return days.Select(d => new RosterShift { Week = week, Day = d, Start = start, End = end });
    }

    private static (int Week, IReadOnlyList<Api.V1.DayOfWeek> Days, string Start, string End) DayTimes(string text, string field)
    {
        var m = DayTimesRegex().Match(text);
        if (!m.Success)
        {
            throw new CliUsageException(field, $"{field}: '{text}' is not DAYS=HH:mm-HH:mm, e.g. mon-fri=09:00-17:00.");
        }
        var week = m.Groups["week"].Success ? int.Parse(m.Groups["week"].Value, CultureInfo.InvariantCulture) : 0;
        var start = Time(m.Groups["start"].Value.PadLeft(5, '0'), field);
        var end = Time(m.Groups["end"].Value.PadLeft(5, '0'), field, allowEndOfDay: true);
        if (end != "24:00" && string.CompareOrdinal(end, start) <= 0)
        {
            throw new CliUsageException(field, $"{field}: '{text}': the end must be after the start (24:00 is midnight).");
        }
        return (week, DayRange(m.Groups["days"].Value, field), start, end);
    }

    /// <summary>"nmt-certified" or "nmt-certified:2027-12-31" (valid up to and including that date).</summary>
    public static Qualification Qualification(string text, string field)
    {
        var parts = text.Split(':', 2);
        if (parts[0].Trim().Length == 0)
        {
            throw new CliUsageException(field, $"{field}: '{text}' is not CODE[:yyyy-MM-dd], e.g. nmt-certified:2027-12-31.");
        }
        return new Qualification { Code = parts[0].Trim(), ExpiresOn = parts.Length == 2 ? Date(parts[1], field) : "" };
    }

    /// <summary>"clinic-a:clinic-b=20": the travel time between two clinics, both ways.</summary>
    public static TravelTime TravelPair(string text, string field)
    {
        var eq = text.Split('=', 2);
        var clinics = eq[0].Split(':', 2);
        if (eq.Length != 2 || clinics.Length != 2 || clinics.Any(c => c.Trim().Length == 0))
        {
            throw new CliUsageException(field, $"{field}: '{text}' is not CLINIC:CLINIC=MINUTES, e.g. soho:camden=25.");
        }
        return new TravelTime { ClinicA = clinics[0].Trim(), ClinicB = clinics[1].Trim(), Minutes = Minutes(eq[1], field) };
    }

    public static int Minutes(string text, string field) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            ? minutes
            : throw new CliUsageException(field, $"{field}: '{text}' is not a whole number of minutes.");

    /// <summary>leave, sickness (or sick), extra-shift (or extra).</summary>
    public static RosterExceptionKind ExceptionKind(string text, string field) => text.Trim().ToUpperInvariant() switch
    {
        "LEAVE" => RosterExceptionKind.Leave,
        "SICKNESS" or "SICK" => RosterExceptionKind.Sickness,
        "EXTRA-SHIFT" or "EXTRA_SHIFT" or "EXTRA" => RosterExceptionKind.ExtraShift,
        _ => throw new CliUsageException(field, $"{field}: '{text}' is not leave, sickness or extra-shift."),
    };

    /// <summary>--clinic values, each one id or several separated by commas; duplicates dropped, order kept.</summary>
    public static IReadOnlyList<string> ClinicIds(IEnumerable<string> values) =>
        [.. values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal)];

    /// <summary>day, week or month.</summary>
    public static ReportBucket Bucket(string text, string field) => text.Trim().ToUpperInvariant() switch
    {
        "DAY" or "DAYS" or "DAILY" => ReportBucket.Day,
        "WEEK" or "WEEKS" or "WEEKLY" => ReportBucket.Week,
        "MONTH" or "MONTHS" or "MONTHLY" => ReportBucket.Month,
        _ => throw new CliUsageException(field, $"{field}: '{text}' is not day, week or month."),
    };

    /// <summary>rooms, therapists, summary, heatmap or compare.</summary>
    public static ReportKind ReportKind(string text, string field) => text.Trim().ToUpperInvariant() switch
    {
        "ROOMS" => Api.V1.ReportKind.RoomUtilisation,
        "THERAPISTS" => Api.V1.ReportKind.TherapistUtilisation,
        "SUMMARY" => Api.V1.ReportKind.ClinicSummary,
        "HEATMAP" => Api.V1.ReportKind.OccupancyHeatmap,
        "COMPARE" => Api.V1.ReportKind.ChainComparison,
        _ => throw new CliUsageException(field, $"{field}: '{text}' is not rooms, therapists, summary, heatmap or compare."),
    };

    /// <summary>Server addresses are absolute http:// or https:// URLs.</summary>
    public static Uri Server(string text, string field)
    {
        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }
        throw new CliUsageException(field, $"{field}: '{text}' is not a server address; write http://HOST:PORT, e.g. http://127.0.0.1:5080.");
    }
}
