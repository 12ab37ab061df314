using System.Text;
using NmtPractice.Api.Grpc;
using NmtPractice.Grains;
using DomainBucket = NmtPractice.Grains.ReportBucket;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>The export's pieces and CSV text, without a server.</summary>
public sealed class ReportExportTests
{
    private static LocalDate Date(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;

    [Theory]
    [InlineData(DomainBucket.Day)]
    [InlineData(DomainBucket.Week)]
    [InlineData(DomainBucket.Month)]
    public void Export_pieces_cover_the_period_without_gaps_and_never_split_a_bucket(DomainBucket bucket)
    {
        var query = new ReportQuery([], Date("2025-12-17"), Date("2027-02-09"), bucket);
        var pieces = ReportGrpcService.Chunks(query).ToList();
        Assert.Equal(query.From, pieces[0].From);
        Assert.Equal(query.To, pieces[^1].To);
        for (var i = 1; i < pieces.Count; i++)
        {
            Assert.Equal(pieces[i - 1].To.PlusDays(1), pieces[i].From);
        }
        Assert.All(pieces, p => Assert.Equal(bucket, p.Bucket));
        Assert.All(pieces, p => Assert.True(Period.Between(p.From, p.To, PeriodUnits.Days).Days < 31, $"{p.From}..{p.To} is longer than a month"));
        foreach (var piece in pieces.Skip(1))
        {
            // A piece starts where a bucket starts, so the grain's buckets are the same as over the whole period.
            Assert.Equal(piece.From, bucket switch
            {
                DomainBucket.Week => piece.From.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday)),
                DomainBucket.Month => piece.From.With(DateAdjusters.StartOfMonth),
                _ => piece.From,
            });
        }
    }

    [Fact]
    public void Buckets_are_cut_to_the_period()
    {
        Assert.Equal(
            [(Date("2026-11-04"), Date("2026-11-08")), (Date("2026-11-09"), Date("2026-11-15")), (Date("2026-11-16"), Date("2026-11-17"))],
            ReportGrpcService.Buckets(Date("2026-11-04"), Date("2026-11-17"), DomainBucket.Week));
        Assert.Equal(
            [(Date("2026-01-31"), Date("2026-01-31")), (Date("2026-02-01"), Date("2026-02-28")), (Date("2026-03-01"), Date("2026-03-02"))],
            ReportGrpcService.Buckets(Date("2026-01-31"), Date("2026-03-02"), DomainBucket.Month));
        Assert.Equal(3, ReportGrpcService.Buckets(Date("2026-03-28"), Date("2026-03-30"), DomainBucket.Day).Count());
        // A bucket named by its Monday (before the period) still ends on its Sunday.
        Assert.Equal(Date("2026-11-08"), ReportGrpcService.BucketEnd(Date("2026-11-02"), DomainBucket.Week, Date("2026-12-31")));
    }

    [Theory]
    [InlineData(45, 1440, "0.0313")]
    [InlineData(1, 3, "0.3333")]
    [InlineData(2, 3, "0.6667")]
    [InlineData(1, 8, "0.1250")]
    [InlineData(7, 7, "1.0000")]
    [InlineData(0, 600, "0.0000")]
    [InlineData(5, 0, "0.0000")]
    public void Ratios_have_four_places_rounded_half_away_from_zero(long numerator, long denominator, string text) =>
        Assert.Equal(text, ReportCsv.Ratio(numerator, denominator));

    [Fact]
    public void Fields_are_quoted_only_when_rfc_4180_needs_it()
    {
        var csv = new StringBuilder();
        ReportCsv.Line(csv, "plain", "a,b", "say \"hi\"", "two\nlines", "", "cr\r");
        Assert.Equal("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,\"cr\r\"\r\n", csv.ToString());
        Assert.Equal([["plain", "a,b", "say \"hi\"", "two\nlines", "", "cr\r"]], Csv.Parse(csv.ToString()));
    }

    [Fact]
    public void Every_kind_has_its_header()
    {
        foreach (var kind in new[] { ReportKind.RoomUtilisation, ReportKind.TherapistUtilisation, ReportKind.ClinicSummary, ReportKind.OccupancyHeatmap, ReportKind.ChainComparison })
        {
            var columns = ReportCsv.Columns(kind);
            Assert.NotEmpty(columns);
            Assert.Equal(columns.Count, columns.Distinct().Count());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportCsv.Columns(ReportKind.Unspecified));
    }
}
