using System.Text;
using NmtPractice.Api.Grpc;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>The export's CSV text, without a server (the export's pieces and buckets: Domain.Tests ReportPeriodTests).</summary>
public sealed class ReportExportTests
{
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
