using NmtPractice.Domain.Reports;
using static NmtPractice.Domain.Tests.TestData;

namespace NmtPractice.Domain.Tests;

/// <summary>The date arithmetic of report buckets (<see cref="ReportPeriod"/>): clinic-local dates, ends inclusive.</summary>
public sealed class ReportPeriodTests
{
    private static LocalDate Date(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;

    [Theory]
    [InlineData(ReportBucket.Day)]
    [InlineData(ReportBucket.Week)]
    [InlineData(ReportBucket.Month)]
    public void Export_pieces_cover_the_period_without_gaps_and_never_split_a_bucket(ReportBucket bucket)
    {
        var (from, to) = (Date("2025-12-17"), Date("2027-02-09"));
        var pieces = ReportPeriod.Pieces(from, to, bucket).ToList();
        Assert.Equal(from, pieces[0].From);
        Assert.Equal(to, pieces[^1].To);
        for (var i = 1; i < pieces.Count; i++)
        {
            Assert.Equal(pieces[i - 1].To.PlusDays(1), pieces[i].From);
        }
        Assert.All(pieces, p => Assert.True(Period.Between(p.From, p.To, PeriodUnits.Days).Days < 31, $"{p.From}..{p.To} is longer than a month"));
        foreach (var piece in pieces.Skip(1))
        {
            // A piece starts where a bucket starts, so the grain's buckets are the same as over the whole period.
            Assert.Equal(piece.From, ReportPeriod.BucketStart(piece.From, bucket));
        }
    }

    [Fact]
    public void Buckets_are_cut_to_the_period()
    {
        Assert.Equal(
            [(Date("2026-11-04"), Date("2026-11-08")), (Date("2026-11-09"), Date("2026-11-15")), (Date("2026-11-16"), Date("2026-11-17"))],
            ReportPeriod.Buckets(Date("2026-11-04"), Date("2026-11-17"), ReportBucket.Week));
        Assert.Equal(
            [(Date("2026-01-31"), Date("2026-01-31")), (Date("2026-02-01"), Date("2026-02-28")), (Date("2026-03-01"), Date("2026-03-02"))],
            ReportPeriod.Buckets(Date("2026-01-31"), Date("2026-03-02"), ReportBucket.Month));
        Assert.Equal(3, ReportPeriod.Buckets(Date("2026-03-28"), Date("2026-03-30"), ReportBucket.Day).Count());
        // A bucket named by its Monday (before the period) still ends on its Sunday.
        Assert.Equal(Date("2026-11-08"), ReportPeriod.BucketEnd(Date("2026-11-02"), ReportBucket.Week, Date("2026-12-31")));
    }

    [Fact]
    public void A_row_of_a_bucket_that_starts_before_the_period_covers_only_the_periods_dates()
    {
        Assert.Equal((Date("2026-11-04"), Date("2026-11-08")), ReportPeriod.BucketDates(Date("2026-11-02"), ReportBucket.Week, Date("2026-11-04"), Date("2026-12-31")));
        Assert.Equal((Date("2026-11-16"), Date("2026-11-17")), ReportPeriod.BucketDates(Date("2026-11-16"), ReportBucket.Week, Date("2026-11-04"), Date("2026-11-17")));
        Assert.Equal((Date("2026-02-10"), Date("2026-02-28")), ReportPeriod.BucketDates(Date("2026-02-01"), ReportBucket.Month, Date("2026-02-10"), Date("2026-05-01")));
        Assert.Equal((Date("2026-02-10"), Date("2026-02-10")), ReportPeriod.BucketDates(Date("2026-02-10"), ReportBucket.Day, Date("2026-02-10"), Date("2026-05-01")));
    }

    [Fact]
    public void A_week_with_a_daylight_saving_change_is_still_Monday_to_Sunday()
    {
        // London's clocks go forward on Sunday 2026-03-29 and back on Sunday 2026-10-25.
        foreach (var sunday in new[] { Date("2026-03-29"), Date("2026-10-25") })
        {
            var monday = sunday.PlusDays(-6);
            Assert.All(ReportPeriod.Dates(monday, sunday), d => Assert.Equal(monday, ReportPeriod.BucketStart(d, ReportBucket.Week)));
            Assert.Equal(sunday, ReportPeriod.BucketEnd(monday, ReportBucket.Week, sunday.PlusDays(30)));
            Assert.Equal(
                [(monday, sunday), (sunday.PlusDays(1), sunday.PlusDays(7))],
                ReportPeriod.Buckets(monday, sunday.PlusDays(7), ReportBucket.Week));
        }
        // The bucket is seven dates, whatever its length on the time line: 167 hours in spring, 169 in autumn.
        var spring = Date("2026-03-23");
        Assert.Equal(Duration.FromHours(167), spring.PlusDays(7).AtStartOfDayInZone(London).ToInstant() - spring.AtStartOfDayInZone(London).ToInstant());
        var autumn = Date("2026-10-19");
        Assert.Equal(Duration.FromHours(169), autumn.PlusDays(7).AtStartOfDayInZone(London).ToInstant() - autumn.AtStartOfDayInZone(London).ToInstant());
    }

    [Fact]
    public void Month_buckets_follow_the_calendar_across_february_and_the_new_year()
    {
        Assert.Equal(
            [(Date("2028-01-30"), Date("2028-01-31")), (Date("2028-02-01"), Date("2028-02-29")), (Date("2028-03-01"), Date("2028-03-01"))],
            ReportPeriod.Buckets(Date("2028-01-30"), Date("2028-03-01"), ReportBucket.Month));
        Assert.Equal(
            [(Date("2026-12-30"), Date("2026-12-31")), (Date("2027-01-01"), Date("2027-01-02"))],
            ReportPeriod.Buckets(Date("2026-12-30"), Date("2027-01-02"), ReportBucket.Month));
        Assert.Equal(Date("2026-12-01"), ReportPeriod.BucketStart(Date("2026-12-31"), ReportBucket.Month));
        Assert.Equal(Date("2026-04-30"), ReportPeriod.BucketEnd(Date("2026-04-01"), ReportBucket.Month, Date("2026-12-31")));
        // A week across the new year belongs to the year of its Monday.
        Assert.Equal(Date("2026-12-28"), ReportPeriod.BucketStart(Date("2027-01-01"), ReportBucket.Week));
        Assert.Equal(
            [(Date("2026-12-31"), Date("2027-01-03")), (Date("2027-01-04"), Date("2027-01-05"))],
            ReportPeriod.Buckets(Date("2026-12-31"), Date("2027-01-05"), ReportBucket.Week));
        // Monthly export pieces end on the last of each month.
        Assert.Equal(
            [(Date("2028-01-30"), Date("2028-01-31")), (Date("2028-02-01"), Date("2028-02-29")), (Date("2028-03-01"), Date("2028-03-10"))],
            ReportPeriod.Pieces(Date("2028-01-30"), Date("2028-03-10"), ReportBucket.Month));
    }
}
