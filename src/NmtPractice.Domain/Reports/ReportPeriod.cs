namespace NmtPractice.Domain.Reports;

/// <summary>The period of a report and the date arithmetic of its buckets: clinic-local dates, inclusive at both ends.</summary>
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
    public static LocalDate BucketStart(LocalDate date, ReportBucket bucket) => bucket switch
    {
        ReportBucket.Day => date,
        ReportBucket.Week => date.PlusDays(1 - (int)date.DayOfWeek),
        ReportBucket.Month => new LocalDate(date.Year, date.Month, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "Unknown bucket."),
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
    public static IReadOnlyList<LocalDate> BucketStarts(LocalDate from, LocalDate to, ReportBucket bucket) =>
        Dates(from, to).Select(d => BucketStart(d, bucket)).Distinct().ToList();

    /// <summary>
    /// The last date of the bucket that starts on <paramref name="start"/> (or that <paramref name="start"/> lies in):
    /// the same day, the Sunday of its week, or the last of its month, but no later than <paramref name="to"/>.
    /// Any other value of <paramref name="bucket"/> (none) is taken as a day.
    /// </summary>
    public static LocalDate BucketEnd(LocalDate start, ReportBucket bucket, LocalDate to) => LocalDate.Min(to, bucket switch
    {
        ReportBucket.Week => start.With(DateAdjusters.NextOrSame(IsoDayOfWeek.Sunday)),
        ReportBucket.Month => start.With(DateAdjusters.EndOfMonth),
        _ => start,
    });

    /// <summary>
    /// The dates a report row of the bucket starting on <paramref name="bucketStart"/> covers: the bucket cut to the
    /// period <paramref name="from"/>..<paramref name="to"/> (a week's Monday may lie before the period's first date).
    /// </summary>
    public static (LocalDate First, LocalDate Last) BucketDates(LocalDate bucketStart, ReportBucket bucket, LocalDate from, LocalDate to) =>
        (LocalDate.Max(bucketStart, from), BucketEnd(bucketStart, bucket, to));

    /// <summary>Each bucket of <paramref name="from"/>..<paramref name="to"/> as its first and last date, cut to the period, in order.</summary>
    public static IEnumerable<(LocalDate First, LocalDate Last)> Buckets(LocalDate from, LocalDate to, ReportBucket bucket)
    {
        for (var start = from; start <= to; start = BucketEnd(start, bucket, to).PlusDays(1))
        {
            yield return (start, BucketEnd(start, bucket, to));
        }
    }

    /// <summary>
    /// The period cut into pieces for computing a long report a part at a time: calendar months, or for weekly buckets
    /// runs of whole ISO weeks (up to four). No bucket spans two pieces, so each piece's rows are those of the whole period.
    /// </summary>
    public static IEnumerable<(LocalDate From, LocalDate To)> Pieces(LocalDate from, LocalDate to, ReportBucket bucket)
    {
        for (var start = from; start <= to;)
        {
            var end = bucket == ReportBucket.Week
                ? start.With(DateAdjusters.NextOrSame(IsoDayOfWeek.Sunday)).PlusWeeks(3)
                : start.With(DateAdjusters.EndOfMonth);
            end = LocalDate.Min(end, to);
            yield return (start, end);
            start = end.PlusDays(1);
        }
    }
}
