using NmtPractice.Api.V1;
using NmtPractice.Cli;
using NmtPractice.Cli.Parsing;
using NodaTime;

namespace NmtPractice.Cli.Tests;

public sealed class ArgsTests
{
    private static readonly DateTimeZone London = DateTimeZoneProviders.Tzdb["Europe/London"];
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    [Fact]
    public void Date_is_returned_in_the_apis_form() => Assert.Equal("2026-12-01", Args.Date(" 2026-12-01 ", "--date"));

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("01/12/2026")]
    [InlineData("tomorrow")]
    public void Malformed_date_names_the_option(string text)
    {
        var ex = Assert.Throws<CliUsageException>(() => Args.Date(text, "--date"));
        Assert.Equal("--date", ex.Field);
        Assert.Contains("yyyy-MM-dd", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clinic_time_in_winter_London_is_utc()
    {
        var when = Args.When("2026-12-01T10:00", "--at");
        Assert.True(when.NeedsZone);
        var instant = Args.Resolve(when, London, "--at");
        Assert.Equal(Instant.FromUtc(2026, 12, 1, 10, 0), instant);
        Assert.Equal("2026-12-01T10:00:00Z", Args.Timestamp(instant).ToDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Clinic_time_in_summer_London_is_an_hour_ahead_of_utc() =>
        Assert.Equal(Instant.FromUtc(2026, 7, 1, 9, 0), Args.Resolve(Args.When("2026-07-01T10:00", "--at"), London, "--at"));

    [Fact]
    public void Clinic_time_in_New_York() =>
        Assert.Equal(Instant.FromUtc(2026, 12, 1, 15, 30), Args.Resolve(Args.When("2026-12-01T10:30", "--at"), NewYork, "--at"));

    [Theory]
    [InlineData("2026-12-01T10:00Z", 10, 0)]
    [InlineData("2026-12-01T10:00+01:00", 9, 0)]
    [InlineData("2026-12-01T10:00-05:00", 15, 0)]
    [InlineData("2026-12-01T10:00:30Z", 10, 0)]
    public void Time_with_an_offset_needs_no_zone(string text, int utcHour, int utcMinute)
    {
        var when = Args.When(text, "--at");
        Assert.False(when.NeedsZone);
        var instant = Args.Resolve(when, null, "--at");
        Assert.Equal(utcHour, instant.InUtc().Hour);
        Assert.Equal(utcMinute, instant.InUtc().Minute);
    }

    [Fact]
    public void Seconds_are_kept() =>
        Assert.Equal(Instant.FromUtc(2026, 12, 1, 10, 0, 30), Args.Resolve(Args.When("2026-12-01T10:00:30", "--at"), London, "--at"));

    [Fact]
    public void Clinic_time_without_a_zone_asks_for_one()
    {
        var ex = Assert.Throws<CliUsageException>(() => Args.Resolve(Args.When("2026-12-01T10:00", "--at"), null, "--at"));
        Assert.Equal("--at", ex.Field);
        Assert.Contains("--zone", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_time_the_clocks_skip_is_refused()
    {
        var ex = Assert.Throws<CliUsageException>(() => Args.Resolve(Args.When("2026-03-29T01:30", "--at"), London, "--at"));
        Assert.Contains("does not exist in Europe/London", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_time_the_clocks_pass_twice_asks_for_the_offset()
    {
        var ex = Assert.Throws<CliUsageException>(() => Args.Resolve(Args.When("2026-10-25T01:30", "--at"), London, "--at"));
        Assert.Contains("2026-10-25T01:30+01:00", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2026-10-25T01:30+00:00", ex.Message, StringComparison.Ordinal);
        // Either reading, written with its offset, is accepted.
        Assert.Equal(Instant.FromUtc(2026, 10, 25, 0, 30), Args.Resolve(Args.When("2026-10-25T01:30+01:00", "--at"), London, "--at"));
        Assert.Equal(Instant.FromUtc(2026, 10, 25, 1, 30), Args.Resolve(Args.When("2026-10-25T01:30+00:00", "--at"), London, "--at"));
    }

    [Theory]
    [InlineData("2026-12-01")]
    [InlineData("10:00")]
    [InlineData("2026-12-01 10:00")]
    [InlineData("2026-12-01T25:00")]
    public void Malformed_time_is_a_usage_error(string text) =>
        Assert.Equal("--at", Assert.Throws<CliUsageException>(() => Args.When(text, "--at")).Field);

    [Fact]
    public void Unknown_zone_is_a_usage_error() =>
        Assert.Equal("--zone", Assert.Throws<CliUsageException>(() => Args.Zone("Europe/Atlantis", "--zone")).Field);

    [Fact]
    public void Weekday_range_becomes_one_opening_range_per_day()
    {
        var ranges = Args.OpeningRanges("mon-fri=09:00-17:30", "--hours").ToList();
        Assert.Equal(5, ranges.Count);
        Assert.Equal([Api.V1.DayOfWeek.Monday, Api.V1.DayOfWeek.Tuesday, Api.V1.DayOfWeek.Wednesday, Api.V1.DayOfWeek.Thursday, Api.V1.DayOfWeek.Friday],
            ranges.Select(r => r.Day));
        Assert.All(ranges, r => Assert.Equal(("09:00", "17:30"), (r.Start, r.End)));
    }

    [Theory]
    [InlineData("sat=10:00-24:00", Api.V1.DayOfWeek.Saturday, "10:00", "24:00")]
    [InlineData("Sunday=9:00-13:00", Api.V1.DayOfWeek.Sunday, "09:00", "13:00")]
    [InlineData("WED=08:15-12:45", Api.V1.DayOfWeek.Wednesday, "08:15", "12:45")]
    public void Single_day_opening_range(string text, Api.V1.DayOfWeek day, string start, string end)
    {
        var range = Assert.Single(Args.OpeningRanges(text, "--hours"));
        Assert.Equal((day, start, end), (range.Day, range.Start, range.End));
    }

    [Theory]
    [InlineData("mon=17:00-09:00")]
    [InlineData("fri-mon=09:00-17:00")]
    [InlineData("funday=09:00-17:00")]
    [InlineData("mon 09:00-17:00")]
    [InlineData("mon=09:00-25:00")]
    [InlineData("w1:mon=09:00-17:00")]
    public void Bad_opening_range_is_a_usage_error(string text) =>
        Assert.Equal("--hours", Assert.Throws<CliUsageException>(() => Args.OpeningRanges(text, "--hours").ToList()).Field);

    [Fact]
    public void Rotating_roster_shift_carries_its_week()
    {
        var shifts = Args.Shifts("w1:sat-sun=10:00-14:00", "--shift").ToList();
        Assert.Equal(2, shifts.Count);
        Assert.All(shifts, s => Assert.Equal(1, s.Week));
        Assert.Equal(Api.V1.DayOfWeek.Sunday, shifts[1].Day);
    }

    [Fact]
    public void Qualification_with_and_without_expiry()
    {
        Assert.Equal(new Qualification { Code = "nmt-certified", ExpiresOn = "2027-12-31" }, Args.Qualification("nmt-certified:2027-12-31", "--qualification"));
        Assert.Equal(new Qualification { Code = "cupping" }, Args.Qualification("cupping", "--qualification"));
        Assert.Throws<CliUsageException>(() => Args.Qualification("nmt:31/12/2027", "--qualification"));
    }

    [Fact]
    public void Travel_pair()
    {
        Assert.Equal(new TravelTime { ClinicA = "soho", ClinicB = "camden", Minutes = 25 }, Args.TravelPair("soho:camden=25", "--pair"));
        Assert.Throws<CliUsageException>(() => Args.TravelPair("soho-camden=25", "--pair"));
        Assert.Throws<CliUsageException>(() => Args.TravelPair("soho:camden=-5", "--pair"));
    }

    [Theory]
    [InlineData("leave", RosterExceptionKind.Leave)]
    [InlineData("sick", RosterExceptionKind.Sickness)]
    [InlineData("extra-shift", RosterExceptionKind.ExtraShift)]
    public void Exception_kinds(string text, RosterExceptionKind kind) => Assert.Equal(kind, Args.ExceptionKind(text, "--kind"));

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("https://nmt.example:443")]
    public void Server_address(string text) => Assert.Equal(new Uri(text), Args.Server(text, "--server"));

    [Theory]
    [InlineData("127.0.0.1:5080")]
    [InlineData("ftp://x")]
    [InlineData("")]
    public void Bad_server_address(string text) => Assert.Throws<CliUsageException>(() => Args.Server(text, "--server"));
}
