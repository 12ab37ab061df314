using FsCheck.Xunit;
using NmtPractice.Domain.Time;

namespace NmtPractice.Domain.Tests;

/// <summary>Normalize, Subtract and Intersect agree with a brute-force set of minutes, and return sorted, disjoint, non-touching, non-empty pieces.</summary>
public class IntervalPropertyTests
{
    private const int Span = 120;
    private static readonly Instant T0 = Instant.FromUtc(2026, 6, 1, 0, 0);

    /// <summary>Consecutive pairs of numbers become intervals [min, max) in minutes after T0, some of them empty.</summary>
    private static List<Interval> Intervals(int[] numbers)
    {
        var result = new List<Interval>();
        for (var i = 0; i + 1 < numbers.Length; i += 2)
        {
            var a = Math.Abs(numbers[i] % Span);
            var b = Math.Abs(numbers[i + 1] % Span);
            result.Add(new Interval(T0 + Duration.FromMinutes(Math.Min(a, b)), T0 + Duration.FromMinutes(Math.Max(a, b))));
        }
        return result;
    }

    private static bool[] Minutes(IEnumerable<Interval> intervals)
    {
        var set = new bool[Span];
        foreach (var i in intervals)
        {
            for (var m = (int)(i.Start - T0).TotalMinutes; m < (int)(i.End - T0).TotalMinutes; m++)
            {
                set[m] = true;
            }
        }
        return set;
    }

    private static bool WellFormed(List<Interval> result)
    {
        for (var i = 0; i < result.Count; i++)
        {
            if (result[i].Start >= result[i].End || (i > 0 && result[i].Start <= result[i - 1].End))
            {
                return false;
            }
        }
        return true;
    }

    [Property(MaxTest = 500)]
    public bool Normalize_covers_the_same_minutes_with_disjoint_sorted_pieces(int[] numbers)
    {
        var source = Intervals(numbers);
        var result = Time.Intervals.Normalize(source);
        return WellFormed(result) && Minutes(result).SequenceEqual(Minutes(source));
    }

    [Property(MaxTest = 500)]
    public bool Subtract_leaves_exactly_the_minutes_in_the_source_and_not_removed(int[] source, int[] remove)
    {
        var a = Intervals(source);
        var b = Intervals(remove);
        var result = Time.Intervals.Subtract(a, b);
        var expected = Minutes(a).Zip(Minutes(b), (x, y) => x && !y);
        return WellFormed(result) && Minutes(result).SequenceEqual(expected);
    }

    [Property(MaxTest = 500)]
    public bool Intersect_keeps_exactly_the_minutes_in_both(int[] left, int[] right)
    {
        var a = Intervals(left);
        var b = Intervals(right);
        var result = Time.Intervals.Intersect(a, b);
        var expected = Minutes(a).Zip(Minutes(b), (x, y) => x && y);
        return WellFormed(result) && Minutes(result).SequenceEqual(expected);
    }

    [Property(MaxTest = 300)]
    public bool Overlaps_is_true_exactly_when_the_intervals_share_a_minute(int a, int b, int c, int d)
    {
        var x = Intervals([a, b])[0];
        var y = Intervals([c, d])[0];
        var share = Minutes([x]).Zip(Minutes([y]), (p, q) => p && q).Any(v => v);
        return x.Start == x.End || y.Start == y.End || x.Overlaps(y) == share;
    }
}
