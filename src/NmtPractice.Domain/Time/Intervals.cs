namespace NmtPractice.Domain.Time;

/// <summary>
/// Operations on NodaTime <see cref="Interval"/>s, which are half-open [Start, End) throughout the system:
/// [9:00, 10:00) and [10:00, 11:00) touch but do not overlap.
/// </summary>
public static class Intervals
{
    public static bool Overlaps(this Interval a, Interval b) => a.Start < b.End && b.Start < a.End;

    public static bool Covers(this Interval outer, Interval inner) => outer.Start <= inner.Start && inner.End <= outer.End;

    /// <summary>Sorts and merges overlapping or touching intervals; empty intervals are dropped.</summary>
    public static List<Interval> Normalize(IEnumerable<Interval> intervals)
    {
        var sorted = intervals.Where(i => i.Start < i.End).OrderBy(i => i.Start).ToList();
        var merged = new List<Interval>(sorted.Count);
        foreach (var next in sorted)
        {
            if (merged.Count > 0 && next.Start <= merged[^1].End)
            {
                var last = merged[^1];
                merged[^1] = new Interval(last.Start, next.End > last.End ? next.End : last.End);
            }
            else
            {
                merged.Add(next);
            }
        }
        return merged;
    }

    /// <summary>The parts of <paramref name="source"/> not covered by any of <paramref name="remove"/>.</summary>
    public static List<Interval> Subtract(IEnumerable<Interval> source, IEnumerable<Interval> remove)
    {
        var result = Normalize(source);
        foreach (var cut in Normalize(remove))
        {
            var next = new List<Interval>(result.Count + 1);
            foreach (var piece in result)
            {
                if (!piece.Overlaps(cut))
                {
                    next.Add(piece);
                    continue;
                }
                if (piece.Start < cut.Start)
                {
                    next.Add(new Interval(piece.Start, cut.Start));
                }
                if (cut.End < piece.End)
                {
                    next.Add(new Interval(cut.End, piece.End));
                }
            }
            result = next;
        }
        return result;
    }

    /// <summary>The parts covered by both lists.</summary>
    public static List<Interval> Intersect(IEnumerable<Interval> a, IEnumerable<Interval> b)
    {
        var left = Normalize(a);
        var right = Normalize(b);
        var result = new List<Interval>();
        int i = 0, j = 0;
        while (i < left.Count && j < right.Count)
        {
            var start = left[i].Start > right[j].Start ? left[i].Start : right[j].Start;
            var end = left[i].End < right[j].End ? left[i].End : right[j].End;
            if (start < end)
            {
                result.Add(new Interval(start, end));
            }
            if (left[i].End < right[j].End)
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return result;
    }

    public static Duration TotalDuration(IEnumerable<Interval> intervals) =>
        Normalize(intervals).Aggregate(Duration.Zero, (sum, i) => sum + i.Duration);
}
