using NmtPractice.Domain.Time;
using NodaTime;
using static NmtPractice.Domain.Tests.TestData;

namespace NmtPractice.Domain.Tests;

public class IntervalsTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 6, 1, 0, 0);

    /// <summary>[from, to) in minutes after T0.</summary>
    private static Interval M(int from, int to) => new(T0 + Duration.FromMinutes(from), T0 + Duration.FromMinutes(to));

    [Fact]
    public void Back_to_back_intervals_touch_but_do_not_overlap()
    {
        Assert.False(M(0, 60).Overlaps(M(60, 120)));
        Assert.False(M(60, 120).Overlaps(M(0, 60)));
        Assert.True(M(0, 61).Overlaps(M(60, 120)));
    }

    [Fact]
    public void Covers_includes_equal_bounds_and_excludes_a_minute_beyond()
    {
        Assert.True(M(0, 60).Covers(M(0, 60)));
        Assert.True(M(0, 60).Covers(M(10, 20)));
        Assert.False(M(0, 60).Covers(M(0, 61)));
        Assert.False(M(10, 60).Covers(M(9, 20)));
    }

    [Fact]
    public void Normalize_sorts_merges_overlapping_and_touching_and_drops_empty()
    {
        var result = Intervals.Normalize([M(100, 120), M(0, 10), M(10, 20), M(15, 18), M(50, 50), M(19, 30)]);
        Assert.Equal([M(0, 30), M(100, 120)], result);
    }

    [Fact]
    public void Normalize_keeps_a_gap_of_one_tick_apart()
    {
        var a = new Interval(T0, T0 + Duration.FromMinutes(10));
        var b = new Interval(T0 + Duration.FromMinutes(10) + Duration.Epsilon, T0 + Duration.FromMinutes(20));
        Assert.Equal(2, Intervals.Normalize([b, a]).Count);
    }

    [Fact]
    public void Normalize_of_nothing_is_nothing()
    {
        Assert.Empty(Intervals.Normalize([]));
        Assert.Empty(Intervals.Normalize([M(5, 5)]));
    }

    [Fact]
    public void Normalize_keeps_the_longer_end_when_one_interval_contains_the_next()
    {
        Assert.Equal([M(0, 100)], Intervals.Normalize([M(0, 100), M(10, 20)]));
    }

    [Fact]
    public void Subtract_cuts_a_hole_in_the_middle()
    {
        Assert.Equal([M(0, 10), M(20, 60)], Intervals.Subtract([M(0, 60)], [M(10, 20)]));
    }

    [Fact]
    public void Subtract_of_an_exactly_equal_interval_leaves_nothing()
    {
        Assert.Empty(Intervals.Subtract([M(0, 60)], [M(0, 60)]));
    }

    [Fact]
    public void Subtract_of_a_touching_interval_changes_nothing()
    {
        Assert.Equal([M(0, 60)], Intervals.Subtract([M(0, 60)], [M(60, 90), M(-30, 0)]));
    }

    [Fact]
    public void Subtract_trims_both_ends_and_spans_several_pieces()
    {
        var result = Intervals.Subtract([M(0, 30), M(40, 70), M(80, 100)], [M(-10, 5), M(20, 85), M(95, 200)]);
        Assert.Equal([M(5, 20), M(85, 95)], result);
    }

    [Fact]
    public void Subtract_with_nothing_to_remove_normalizes_the_source()
    {
        Assert.Equal([M(0, 20)], Intervals.Subtract([M(10, 20), M(0, 10)], []));
    }

    [Fact]
    public void Intersect_keeps_only_common_parts()
    {
        var result = Intervals.Intersect([M(0, 30), M(40, 70)], [M(20, 50), M(60, 100)]);
        Assert.Equal([M(20, 30), M(40, 50), M(60, 70)], result);
    }

    [Fact]
    public void Intersect_of_touching_intervals_is_empty()
    {
        Assert.Empty(Intervals.Intersect([M(0, 30)], [M(30, 60)]));
    }

    [Fact]
    public void Intersect_with_an_empty_list_is_empty()
    {
        Assert.Empty(Intervals.Intersect([M(0, 30)], []));
        Assert.Empty(Intervals.Intersect([], [M(0, 30)]));
    }

    [Fact]
    public void Intersect_of_one_long_interval_with_many_short_ones_keeps_them_all()
    {
        var shorts = Enumerable.Range(0, 10).Select(i => M(i * 10, i * 10 + 5)).ToList();
        Assert.Equal(shorts, Intervals.Intersect([M(-100, 1000)], shorts));
        Assert.Equal(shorts, Intervals.Intersect(shorts, [M(-100, 1000)]));
    }

    [Fact]
    public void TotalDuration_counts_overlaps_once()
    {
        Assert.Equal(Duration.FromMinutes(90), Intervals.TotalDuration([M(0, 60), M(30, 90)]));
    }

    [Fact]
    public void Interval_refuses_an_end_before_its_start_at_construction()
    {
        // The domain relies on NodaTime here: whoever maps wire input to an Interval must check the order first,
        // or the caller gets an exception instead of InvalidArgument.
        Assert.Throws<ArgumentOutOfRangeException>(() => new Interval(T0, T0 - Duration.FromMinutes(1)));
    }
}

public class LocalTimeRangeTests
{
    [Fact]
    public void A_range_maps_to_the_instants_of_that_date_in_the_zone()
    {
        var interval = Hours("09:00", "17:00").ToInterval(Monday, London);
        Assert.Equal(Instant.FromUtc(2026, 6, 1, 8, 0), interval.Start); // BST = UTC+1
        Assert.Equal(Instant.FromUtc(2026, 6, 1, 16, 0), interval.End);
    }

    [Fact]
    public void An_end_at_midnight_means_the_end_of_the_day()
    {
        var range = Hours("18:00", "24:00");
        Assert.True(range.EndsAtMidnight);
        Assert.True(range.IsValid);
        var interval = range.ToInterval(Monday, London);
        Assert.Equal(Monday.PlusDays(1).AtStartOfDayInZone(London).ToInstant(), interval.End);
        Assert.Equal(Duration.FromHours(6), interval.Duration);
        Assert.Equal("18:00-24:00", range.ToString());
    }

    [Fact]
    public void Midnight_to_midnight_is_the_whole_day()
    {
        Assert.Equal(Duration.FromHours(24), Hours("00:00", "24:00").ToInterval(Monday, London).Duration);
    }

    [Fact]
    public void A_reversed_or_empty_range_is_invalid()
    {
        Assert.False(Hours("17:00", "09:00").IsValid);
        Assert.False(Hours("09:00", "09:00").IsValid);
        Assert.True(Hours("09:00", "09:01").IsValid);
    }
}

public class RosterTests
{
    private static Roster Cycle(int weeks, LocalDate anchor, LocalDate? from = null, LocalDate? until = null) =>
        new("c1", weeks, anchor,
            Enumerable.Range(0, weeks).Select(w => new RosterShift(w, IsoDayOfWeek.Wednesday, Hours($"{9 + w:00}:00", "17:00"))).ToList(),
            from, until);

    [Fact]
    public void A_weekly_roster_is_always_in_week_zero()
    {
        var roster = Cycle(1, Monday);
        Assert.All(Enumerable.Range(-60, 120), d => Assert.Equal(0, roster.WeekOfCycle(Monday.PlusDays(d))));
    }

    [Fact]
    public void Week_zero_of_a_fortnightly_roster_is_the_week_containing_the_anchor_from_monday_to_sunday()
    {
        var roster = Cycle(2, Monday.PlusDays(3)); // anchored on a Thursday
        Assert.Equal(0, roster.WeekOfCycle(Monday));              // Monday of the anchor's week
        Assert.Equal(0, roster.WeekOfCycle(Monday.PlusDays(6)));  // Sunday of the anchor's week
        Assert.Equal(1, roster.WeekOfCycle(Monday.PlusDays(7)));  // next Monday
        Assert.Equal(1, roster.WeekOfCycle(Monday.PlusDays(13)));
        Assert.Equal(0, roster.WeekOfCycle(Monday.PlusDays(14)));
    }

    [Fact]
    public void Fortnightly_weeks_alternate_before_the_anchor_too()
    {
        var roster = Cycle(2, Monday);
        Assert.Equal(1, roster.WeekOfCycle(Monday.PlusDays(-1)));  // Sunday before
        Assert.Equal(1, roster.WeekOfCycle(Monday.PlusDays(-7)));
        Assert.Equal(0, roster.WeekOfCycle(Monday.PlusDays(-8)));
        Assert.Equal(0, roster.WeekOfCycle(Monday.PlusDays(-14)));
    }

    [Fact]
    public void A_three_week_cycle_counts_0_1_2_forwards_and_2_1_0_backwards()
    {
        var roster = Cycle(3, Monday);
        int[] forward = [0, 1, 2, 0, 1, 2];
        int[] backward = [2, 1, 0, 2, 1, 0];
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(forward[i], roster.WeekOfCycle(Monday.PlusWeeks(i).PlusDays(2)));
            Assert.Equal(backward[i], roster.WeekOfCycle(Monday.PlusWeeks(-(i + 1)).PlusDays(4)));
        }
    }

    [Fact]
    public void ShiftsOn_returns_the_shift_of_that_week_of_the_cycle_on_that_weekday_only()
    {
        var roster = Cycle(3, Monday);
        var wednesday = Monday.PlusDays(2);
        Assert.Equal([Hours("09:00", "17:00")], roster.ShiftsOn(wednesday));
        Assert.Equal([Hours("10:00", "17:00")], roster.ShiftsOn(wednesday.PlusWeeks(1)));
        Assert.Equal([Hours("11:00", "17:00")], roster.ShiftsOn(wednesday.PlusWeeks(2)));
        Assert.Equal([Hours("11:00", "17:00")], roster.ShiftsOn(wednesday.PlusWeeks(-1)));
        Assert.Empty(roster.ShiftsOn(Monday));
    }

    [Fact]
    public void ShiftsOn_is_empty_before_From_and_after_Until_and_both_bounds_are_inclusive()
    {
        var wednesday = Monday.PlusDays(2);
        var roster = Cycle(1, Monday, from: wednesday.PlusWeeks(1), until: wednesday.PlusWeeks(3));
        Assert.Empty(roster.ShiftsOn(wednesday));
        Assert.NotEmpty(roster.ShiftsOn(wednesday.PlusWeeks(1)));
        Assert.NotEmpty(roster.ShiftsOn(wednesday.PlusWeeks(3)));
        Assert.Empty(roster.ShiftsOn(wednesday.PlusWeeks(4)));
    }

    [Fact]
    public void A_day_may_have_several_shifts()
    {
        var roster = new Roster("c1", 1, Monday,
            [new RosterShift(0, IsoDayOfWeek.Monday, Hours("08:00", "12:00")), new RosterShift(0, IsoDayOfWeek.Monday, Hours("14:00", "18:00"))]);
        Assert.Equal(2, roster.ShiftsOn(Monday).Count());
    }
}

public class TherapistTests
{
    [Fact]
    public void Working_intervals_are_the_rostered_shifts_at_that_clinic_only()
    {
        var t = Therapist(rosters: [Weekly("c1", [IsoDayOfWeek.Monday], "09:00", "13:00"), Weekly("c2", [IsoDayOfWeek.Monday], "14:00", "18:00")]);
        Assert.Equal([Span(Monday, "09:00", "13:00")], t.WorkingIntervals("c1", London, Monday));
        Assert.Equal([Span(Monday, "14:00", "18:00")], t.WorkingIntervals("c2", London, Monday));
        Assert.Empty(t.WorkingIntervals("c1", London, Monday.PlusDays(1)));
    }

    [Fact]
    public void An_extra_shift_adds_working_time_at_its_clinic_and_merges_with_an_adjacent_shift()
    {
        var t = Therapist(exceptions: [Extra("c1", Span(Monday, "17:00", "19:00")), Extra("c2", Span(Monday, "07:00", "08:00"), "extra-2")]);
        Assert.Equal([Span(Monday, "09:00", "19:00")], t.WorkingIntervals("c1", London, Monday));
        Assert.Equal([Span(Monday, "07:00", "08:00")], t.WorkingIntervals("c2", London, Monday));
    }

    [Fact]
    public void An_extra_shift_on_an_unrostered_day_makes_it_a_working_day()
    {
        var t = Therapist(exceptions: [Extra("c1", Span(Saturday, "10:00", "14:00"))]);
        Assert.Equal([Span(Saturday, "10:00", "14:00")], t.WorkingIntervals("c1", London, Saturday));
    }

    [Fact]
    public void An_extra_shift_across_midnight_is_split_between_the_two_days()
    {
        var t = Therapist(rosters: [], exceptions: [Extra("c1", new Interval(At(Monday, "22:00"), At(Monday.PlusDays(1), "02:00")))]);
        Assert.Equal([new Interval(At(Monday, "22:00"), Monday.PlusDays(1).AtStartOfDayInZone(London).ToInstant())],
            t.WorkingIntervals("c1", London, Monday));
        Assert.Equal([new Interval(Monday.PlusDays(1).AtStartOfDayInZone(London).ToInstant(), At(Monday.PlusDays(1), "02:00"))],
            t.WorkingIntervals("c1", London, Monday.PlusDays(1)));
    }

    [Fact]
    public void Leave_removes_working_time_at_every_clinic()
    {
        var t = Therapist(
            rosters: [Weekly("c1", [IsoDayOfWeek.Monday], "09:00", "13:00"), Weekly("c2", [IsoDayOfWeek.Monday], "14:00", "18:00")],
            exceptions: [Leave(Span(Monday, "12:00", "15:00"))]);
        Assert.Equal([Span(Monday, "09:00", "12:00")], t.WorkingIntervals("c1", London, Monday));
        Assert.Equal([Span(Monday, "15:00", "18:00")], t.WorkingIntervals("c2", London, Monday));
    }

    [Fact]
    public void Sickness_removes_working_time_including_extra_shifts()
    {
        var t = Therapist(exceptions:
        [
            Extra("c1", Span(Monday, "17:00", "19:00")),
            new RosterException("sick-1", RosterExceptionKind.Sickness, Span(Monday, "08:00", "18:00"), null, "flu"),
        ]);
        Assert.Equal([Span(Monday, "18:00", "19:00")], t.WorkingIntervals("c1", London, Monday));
        Assert.True(t.IsAbsentDuring(Span(Monday, "17:30", "17:45")));
        Assert.False(t.IsAbsentDuring(Span(Monday, "18:00", "19:00")));
    }

    [Fact]
    public void A_qualification_is_valid_up_to_and_including_its_expiry_date()
    {
        var t = Therapist(qualifications: [new Qualification(Nmt, Monday)]);
        Assert.True(t.IsQualified(Nmt, Monday));
        Assert.False(t.IsQualified(Nmt, Monday.PlusDays(1)));
        Assert.True(t.HasExpiredQualification(Nmt, Monday.PlusDays(1)));
        Assert.False(t.HasExpiredQualification("other", Monday.PlusDays(1)));
        Assert.True(t.IsQualified(null, Monday.PlusDays(1)));
    }
}

public class TravelMatrixTests
{
    [Fact]
    public void Travel_is_the_same_in_both_directions()
    {
        var m = Travel(30, new TravelTime("a", "b", Duration.FromMinutes(45)));
        Assert.Equal(Duration.FromMinutes(45), m.Between("a", "b"));
        Assert.Equal(Duration.FromMinutes(45), m.Between("b", "a"));
    }

    [Fact]
    public void Unlisted_pairs_take_the_default()
    {
        var m = Travel(30, new TravelTime("a", "b", Duration.FromMinutes(45)));
        Assert.Equal(Duration.FromMinutes(30), m.Between("a", "c"));
        Assert.Equal(Duration.FromMinutes(30), TravelMatrix.Standard.Between("x", "y"));
    }

    [Fact]
    public void Staying_at_the_same_clinic_takes_no_travel_even_if_a_pair_says_otherwise()
    {
        var m = Travel(30, new TravelTime("a", "a", Duration.FromMinutes(45)));
        Assert.Equal(Duration.Zero, m.Between("a", "a"));
    }

    [Fact]
    public void Longest_is_the_longest_of_the_default_and_the_pairs()
    {
        Assert.Equal(Duration.FromMinutes(90), Travel(30, new TravelTime("a", "b", Duration.FromMinutes(90))).Longest);
        Assert.Equal(Duration.FromMinutes(30), Travel(30, new TravelTime("a", "b", Duration.FromMinutes(10))).Longest);
    }
}
