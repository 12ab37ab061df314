using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using NodaTime.Text;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// The wire conventions in one place: reading request fields (ids, text, "yyyy-MM-dd" dates, "HH:mm" times, IANA zones,
/// Timestamps, whole minutes) and writing them back. Every reader throws INVALID_ARGUMENT naming the field on bad input.
/// </summary>
public static class WireFormat
{
    /// <summary>Instants outside [2000-01-01, 2200-01-01) are refused (<see cref="BookingLimits.EarliestInstant"/>).</summary>
    public static readonly Instant EarliestInstant = BookingLimits.EarliestInstant;

    public static readonly Instant LatestInstant = BookingLimits.LatestInstant;

    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Iso;
    private static readonly LocalTimePattern TimePattern = LocalTimePattern.CreateWithInvariantCulture("HH:mm");
    private static readonly LocalDateTimePattern LocalDateTimePattern = NodaTime.Text.LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm");
    private static readonly OffsetPattern OffsetPattern = NodaTime.Text.OffsetPattern.CreateWithInvariantCulture("+HH:mm");

    public static string Id(string value, string field)
    {
        if (Validation.Id(field, value) is { } refusal)
        {
            ApiErrors.ThrowRefused(refusal);
        }
        return value;
    }

    /// <summary>An optional id: empty means none.</summary>
    public static string? OptionalId(string value, string field) => string.IsNullOrEmpty(value) ? null : Id(value, field);

    public static string RequiredText(string value, string field, int maxLength = Validation.MaxNameLength)
    {
        if (Validation.RequiredText(field, value, maxLength) is { } refusal)
        {
            ApiErrors.ThrowRefused(refusal);
        }
        return value;
    }

    /// <summary>Optional free text: empty stays empty.</summary>
    public static string Text(string value, string field, int maxLength = Validation.MaxTextLength)
    {
        if (Validation.OptionalText(field, value, maxLength) is { } refusal)
        {
            ApiErrors.ThrowRefused(refusal);
        }
        return value;
    }

    /// <summary>
    /// The request id of a mutation: its idempotency key (docs/architecture.md, "Retries and request ids"). Required
    /// for Book, Hold and the cover operations; optional elsewhere, and a mutation without one is not idempotent.
    /// </summary>
    public static string? RequestId(string value, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                ApiErrors.ThrowInvalid("request_id", "request_id is required: it is the idempotency key of this call.");
            }
            return null;
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            ApiErrors.ThrowInvalid("request_id", "request_id is blank.");
        }
        return Text(value, "request_id", BookingLimits.MaxRequestIdLength);
    }

    public static LocalDate Date(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            ApiErrors.ThrowInvalid(field, $"{field} is required (yyyy-MM-dd).");
        }
        return OptionalDate(value, field)!.Value;
    }

    /// <summary>
    /// The inclusive local dates <c>from_date</c>..<c>to_date</c>: both required, in order, and fewer than
    /// <paramref name="maxDays"/> days apart (<paramref name="tooLong"/> says what the limit is for).
    /// </summary>
    public static (LocalDate From, LocalDate To) DateRange(string fromDate, string toDate, int maxDays, string tooLong)
    {
        var from = Date(fromDate, "from_date");
        var to = Date(toDate, "to_date");
        if (to < from)
        {
            ApiErrors.ThrowInvalid("to_date", "to_date is before from_date.");
        }
        if (Period.Between(from, to, PeriodUnits.Days).Days >= maxDays)
        {
            ApiErrors.ThrowInvalid("to_date", tooLong);
        }
        return (from, to);
    }

    public static LocalDate? OptionalDate(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var parsed = value.Length <= 10 ? DatePattern.Parse(value) : null;
        if (parsed is null || !parsed.Success)
        {
            ApiErrors.ThrowInvalid(field, $"{field} must be a date in the form yyyy-MM-dd.");
        }
        var date = parsed.Value;
        if (date.Year < 1900 || date.Year > 2199)
        {
            ApiErrors.ThrowInvalid(field, $"{field} must be between 1900 and 2199.");
        }
        return date;
    }

    /// <summary>A wall-clock range "HH:mm".."HH:mm" where the end may be "24:00" (midnight at the end of the day).</summary>
    public static LocalTimeRange TimeRange(string start, string end, string prefix)
    {
        var from = Time(start, Join(prefix, "start"), allowEndOfDay: false);
        var to = Time(end, Join(prefix, "end"), allowEndOfDay: true);
        var range = new LocalTimeRange(from, to);
        if (!range.IsValid)
        {
            ApiErrors.ThrowInvalid(Join(prefix, "end"), $"The range {range} ends before it starts.");
        }
        return range;
    }

    public static LocalTime Time(string value, string field, bool allowEndOfDay)
    {
        if (string.IsNullOrEmpty(value))
        {
            ApiErrors.ThrowInvalid(field, $"{field} is required (HH:mm).");
        }
        if (allowEndOfDay && value == "24:00")
        {
            return LocalTime.Midnight;
        }
        var parsed = value.Length == 5 ? TimePattern.Parse(value) : null;
        if (parsed is null || !parsed.Success)
        {
            ApiErrors.ThrowInvalid(field, $"{field} must be a time in the form HH:mm{(allowEndOfDay ? " (or 24:00)" : "")}.");
        }
        return parsed.Value;
    }

    public static string Zone(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            ApiErrors.ThrowInvalid(field, $"{field} is required (an IANA time zone such as Europe/London).");
        }
        if (value.Length > 64 || !TimeZones.IsKnown(value))
        {
            ApiErrors.ThrowInvalid(field, $"{field} is not an IANA time zone (e.g. Europe/London).");
        }
        return value;
    }

    public static Instant Instant(Timestamp? value, string field)
    {
        if (value is null)
        {
            ApiErrors.ThrowInvalid(field, $"{field} is required.");
        }
        return OptionalInstant(value, field)!.Value;
    }

    public static Instant? OptionalInstant(Timestamp? value, string field)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Nanos is < 0 or > 999_999_999)
        {
            ApiErrors.ThrowInvalid(field, $"{field} has invalid nanoseconds.");
        }
        if (value.Seconds < EarliestInstant.ToUnixTimeSeconds() || value.Seconds >= LatestInstant.ToUnixTimeSeconds())
        {
            ApiErrors.ThrowInvalid(field, $"{field} must be between 2000-01-01 and 2200-01-01 (UTC).");
        }
        return NodaTime.Instant.FromUnixTimeSeconds(value.Seconds).PlusNanoseconds(value.Nanos);
    }

    /// <summary>Whole minutes in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Duration Minutes(int value, string field, int min, int max)
    {
        if (value < min || value > max)
        {
            ApiErrors.ThrowInvalid(field, $"{field} must be between {min} and {max} minutes.");
        }
        return Duration.FromMinutes(value);
    }

    public static IsoDayOfWeek Day(V1.DayOfWeek day, string field)
    {
        if (day is < V1.DayOfWeek.Monday or > V1.DayOfWeek.Sunday)
        {
            ApiErrors.ThrowInvalid(field, $"{field} must be MONDAY..SUNDAY.");
        }
        return (IsoDayOfWeek)(int)day;
    }

    /// <summary>Each entry is an id-like tag ("hydraulic-table"); at most <paramref name="maxCount"/>.</summary>
    public static List<string> Tags(IReadOnlyList<string> values, string field, int maxCount = 32)
    {
        if (values.Count > maxCount)
        {
            ApiErrors.ThrowInvalid(field, $"{field} has more than {maxCount} entries.");
        }
        for (var i = 0; i < values.Count; i++)
        {
            Id(values[i], $"{field}[{i}]");
        }
        return [.. values];
    }

    /// <summary>At most <paramref name="max"/> entries in a repeated field.</summary>
    public static void Count<T>(IReadOnlyCollection<T> values, string field, int max)
    {
        if (values.Count > max)
        {
            ApiErrors.ThrowInvalid(field, $"{field} has more than {max} entries.");
        }
    }

    /// <summary>A message field that must be set.</summary>
    public static T Required<T>(T? value, string field)
        where T : class
    {
        if (value is null)
        {
            ApiErrors.ThrowInvalid(field, $"{field} is required.");
        }
        return value;
    }

    public static string Join(string prefix, string field) => prefix.Length == 0 ? field : $"{prefix}.{field}";

    public static Timestamp ToTimestamp(Instant instant)
    {
        var seconds = instant.ToUnixTimeSeconds();
        return new Timestamp { Seconds = seconds, Nanos = (int)(instant - NodaTime.Instant.FromUnixTimeSeconds(seconds)).TotalNanoseconds };
    }

    public static Timestamp? ToTimestamp(Instant? instant) => instant is { } i ? ToTimestamp(i) : null;

    public static string FormatDate(LocalDate date) => DatePattern.Format(date);

    public static string FormatDate(LocalDate? date) => date is { } d ? DatePattern.Format(d) : "";

    public static string FormatTime(LocalTime time) => TimePattern.Format(time);

    public static string FormatEnd(LocalTimeRange range) => range.EndsAtMidnight ? "24:00" : TimePattern.Format(range.End);

    public static int WholeMinutes(Duration duration) => (int)Math.Round(duration.TotalMinutes, MidpointRounding.AwayFromZero);

    public static string FormatMinor(decimal price) => (price * 100m).ToString("0", CultureInfo.InvariantCulture);

    public static Slot ToSlot(AvailableSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return new Slot
        {
            Start = ToTimestamp(slot.Start),
            End = ToTimestamp(slot.End),
            LocalStart = LocalDateTimePattern.Format(slot.LocalStart),
            TimeZone = slot.TimeZoneId,
            UtcOffset = OffsetPattern.Format(slot.Offset),
            TherapistId = slot.TherapistId,
            RoomId = slot.RoomId,
        };
    }
}
