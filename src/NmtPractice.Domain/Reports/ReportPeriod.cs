using NmtPractice.Domain.Scheduling;
using NodaTime;

namespace NmtPractice.Domain.Reports;

/// <summary>How report days are grouped: single days, ISO weeks (Monday to Sunday) or calendar months, clinic-local.</summary>
public enum Bucketing
{
    Day = 1,
    Week,
    Month,
}

/// <summary>The period of a report: clinic-local dates, inclusive at both ends.</summary>
public static class ReportPeriod
{
    /// <summary>The longest period a report covers: 1096 days, any three consecutive calendar years.</summary>
    public const int MaxDays = 1096;

    /// <summary>Null when <paramref name="from"/>..<paramref name="to"/> is a valid report period; otherwise why not (field "to").</summary>
    public static Refusal? Check(LocalDate from, LocalDate to)
    {
        if (to < from)
        {
            return Refusal.Invalid("to", $"The period ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).");
        }
        var days = Period.Between(from, to, PeriodUnits.Days).Days + 1;
        return days > MaxDays
            ? Refusal.Invalid("to", $"A report covers at most {MaxDays} days (three years); {from:yyyy-MM-dd}..{to:yyyy-MM-dd} is {days} days.")
            : null;
    }

    /// <summary>
    /// The first date of the bucket containing <paramref name="date"/>: the date itself, the Monday of its ISO week, or
    /// the first of its month. A bucket's start may lie before the report's first date; it only counts the report's dates.
    /// </summary>
    public static LocalDate BucketStart(LocalDate date, Bucketing bucketing) => bucketing switch
    {
        Bucketing.Day => date,
        Bucketing.Week => date.PlusDays(1 - (int)date.DayOfWeek),
        Bucketing.Month => new LocalDate(date.Year, date.Month, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(bucketing), bucketing, "Unknown bucketing."),
    };

    /// <summary>The dates <paramref name="from"/>..<paramref name="to"/> in order.</summary>
    public static IEnumerable<LocalDate> Dates(LocalDate from, LocalDate to)
    {
        for (var d = from; d <= to; d = d.PlusDays(1))
        {
            yield return d;
        }
    }

    /// <summary>The distinct bucket starts of the period, in order.</summary>
    public static IReadOnlyList<LocalDate> BucketStarts(LocalDate from, LocalDate to, Bucketing bucketing) =>
        Dates(from, to).Select(d => BucketStart(d, bucketing)).Distinct().ToList();
}
