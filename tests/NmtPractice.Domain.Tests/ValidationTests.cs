using static NmtPractice.Domain.Tests.TestData;

namespace NmtPractice.Domain.Tests;

public class ValidationTests
{
    private static void Invalid(string field, Refusal? r)
    {
        Assert.NotNull(r);
        Assert.Equal(RefusalReason.InvalidArgument, r.Reason);
        Assert.Equal(field, r.Field);
        Assert.Equal("INVALID_ARGUMENT", r.Code);
    }

    [Theory]
    [InlineData("c1")]
    [InlineData("clinic-north_2.a")]
    [InlineData("A")]
    [InlineData("0")]
    public void Ids_of_letters_digits_dash_underscore_and_dot_are_accepted(string id) =>
        Assert.Null(Validation.Id("clinic_id", id));

    [Fact]
    public void An_id_of_exactly_64_characters_is_accepted_and_65_is_refused()
    {
        Assert.Null(Validation.Id("clinic_id", new string('a', 64)));
        Invalid("clinic_id", Validation.Id("clinic_id", new string('a', 65)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a b")]
    [InlineData(" ab")]
    [InlineData("ab ")]
    [InlineData("-ab")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("клиника")]
    [InlineData("café")]
    [InlineData("ａｂ")] // full-width letters
    [InlineData("١٢٣")] // Arabic-Indic digits
    [InlineData("a\u200Bb")] // zero-width space
    [InlineData("ab\n")]
    [InlineData("ab\r\n")]
    [InlineData("\nab")]
    [InlineData("a\0b")]
    [InlineData("ab\0")]
    [InlineData("ab\t")]
    [InlineData("a\u007Fb")]
    public void Malformed_ids_are_refused_naming_the_field(string? id) => Invalid("room_id", Validation.Id("room_id", id));

    [Fact]
    public void Required_text_must_have_something_other_than_whitespace()
    {
        Invalid("name", Validation.RequiredText("name", null));
        Invalid("name", Validation.RequiredText("name", ""));
        Invalid("name", Validation.RequiredText("name", " \t\n"));
        Assert.Null(Validation.RequiredText("name", "Zoë O'Brien-Łukasz 山田"));
    }

    [Fact]
    public void Optional_text_may_be_absent_or_empty()
    {
        Assert.Null(Validation.OptionalText("note", null));
        Assert.Null(Validation.OptionalText("note", ""));
    }

    [Fact]
    public void Text_up_to_the_limit_is_accepted_and_one_character_more_is_refused()
    {
        Assert.Null(Validation.RequiredText("name", new string('x', Validation.MaxNameLength)));
        Invalid("name", Validation.RequiredText("name", new string('x', Validation.MaxNameLength + 1)));
        Assert.Null(Validation.OptionalText("address", new string('x', Validation.MaxTextLength)));
        Invalid("address", Validation.OptionalText("address", new string('x', Validation.MaxTextLength + 1)));
    }

    [Fact]
    public void A_huge_string_is_refused_quickly()
    {
        var huge = new string('x', 50_000_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Invalid("note", Validation.OptionalText("note", huge));
        Invalid("note_id", Validation.Id("note_id", huge));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("bell\a")]
    [InlineData("esc\u001B[31m")]
    [InlineData("del\u007F")]
    [InlineData("c1\u0085control")]
    public void Text_with_control_characters_is_refused(string text)
    {
        Invalid("note", Validation.OptionalText("note", text));
        Invalid("note", Validation.RequiredText("note", text));
    }

    [Fact]
    public void Text_may_contain_line_breaks_and_tabs()
    {
        Assert.Null(Validation.OptionalText("note", "line one\r\nline two\ttabbed\n"));
    }

    [Fact]
    public void First_returns_the_first_refusal_in_order()
    {
        var r = Validation.First(null, Validation.Id("a", ""), Validation.Id("b", ""));
        Assert.Equal("a", r?.Field);
        Assert.Null(Validation.First(null, null));
    }
}

public class ConfigValidationTests
{
    private static void Invalid(string field, Refusal? r)
    {
        Assert.NotNull(r);
        Assert.Equal(RefusalReason.InvalidArgument, r.Reason);
        Assert.Equal(field, r.Field);
    }

    private static readonly Clinic Good = Clinic();

    private static Service ServiceLasting(Duration d) => Nmt60 with { Duration = d };

    [Fact]
    public void The_standard_test_clinic_therapist_and_travel_are_valid()
    {
        Assert.Null(ConfigValidation.Clinic(Good));
        Assert.Null(ConfigValidation.Therapist(Therapist()));
        Assert.Null(ConfigValidation.Travel(Travel(30)));
    }

    [Theory]
    [InlineData("Europe/Londn")]
    [InlineData("GMT+1")]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    public void A_clinic_in_an_unknown_time_zone_is_refused(string zone) =>
        Invalid("time_zone", ConfigValidation.Clinic(Good with { TimeZoneId = zone }));

    [Fact]
    public void A_reversed_opening_range_is_refused()
    {
        Invalid("opening_hours", ConfigValidation.Clinic(Good with { OpeningHours = Open([IsoDayOfWeek.Monday], "17:00", "09:00") }));
        Invalid("opening_hours", ConfigValidation.Clinic(Good with { OpeningHours = Open([IsoDayOfWeek.Monday], "09:00", "09:00") }));
        Assert.Null(ConfigValidation.Clinic(Good with { OpeningHours = Open([IsoDayOfWeek.Monday], "00:00", "24:00") }));
    }

    [Fact]
    public void An_opening_range_without_a_day_is_refused()
    {
        Invalid("opening_hours.day", ConfigValidation.Clinic(Good with { OpeningHours = [new OpeningRange(IsoDayOfWeek.None, Hours("09:00", "17:00"))] }));
        Invalid("opening_hours.day", ConfigValidation.Clinic(Good with { OpeningHours = [new OpeningRange((IsoDayOfWeek)8, Hours("09:00", "17:00"))] }));
    }

    [Fact]
    public void A_reversed_closure_is_refused_and_a_one_day_closure_is_fine()
    {
        Invalid("closures", ConfigValidation.Clinic(Good with { Closures = [new Closure(new DateRange(Monday, Monday.PlusDays(-1)), "x")] }));
        Assert.Null(ConfigValidation.Clinic(Good with { Closures = [new Closure(new DateRange(Monday, Monday), "x")] }));
        Invalid("closures", ConfigValidation.Clinic(Good with { Closures = [new Closure(new DateRange(Monday, Monday.PlusYears(2)), "x")] }));
    }

    [Fact]
    public void A_negative_cancellation_window_is_refused() =>
        Invalid("cancellation_window", ConfigValidation.Clinic(Good with { CancellationWindow = Duration.FromHours(-1) }));

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(8 * 60 + 1)]
    public void A_service_of_zero_negative_or_over_eight_hours_is_refused(int minutes) =>
        Invalid("duration", ConfigValidation.Service(ServiceLasting(Duration.FromMinutes(minutes))));

    [Fact]
    public void A_service_of_exactly_eight_hours_is_fine() =>
        Assert.Null(ConfigValidation.Service(ServiceLasting(Duration.FromHours(8))));

    [Fact]
    public void A_service_of_a_non_whole_number_of_minutes_is_refused()
    {
        Invalid("duration", ConfigValidation.Service(ServiceLasting(Duration.FromMinutes(45) + Duration.FromSeconds(30))));
        Invalid("duration", ConfigValidation.Service(ServiceLasting(Duration.FromMinutes(45) + Duration.FromMilliseconds(1))));
        Invalid("duration", ConfigValidation.Service(ServiceLasting(Duration.FromHours(1) + Duration.Epsilon)));
    }

    [Fact]
    public void A_negative_or_odd_turnover_is_refused()
    {
        Invalid("turnover", ConfigValidation.Service(Nmt60 with { Turnover = Duration.FromMinutes(-5) }));
        Invalid("turnover", ConfigValidation.Service(Nmt60 with { Turnover = Duration.FromSeconds(90) }));
        Invalid("turnover", ConfigValidation.Service(Nmt60 with { Turnover = Duration.FromHours(3) }));
        Assert.Null(ConfigValidation.Service(Nmt60 with { Turnover = Duration.Zero }));
    }

    [Fact]
    public void A_service_in_a_clinic_is_validated_with_the_clinic() =>
        Invalid("duration", ConfigValidation.Clinic(Good with { Services = [ServiceLasting(Duration.Zero)] }));

    [Fact]
    public void Duplicate_room_ids_in_a_clinic_are_refused()
    {
        var r = ConfigValidation.Clinic(Good with { Rooms = [Room("r1", Table), Room("r1", Quiet)] });
        Invalid("room_id", r);
        Assert.Contains("r1", r!.Message);
    }

    [Fact]
    public void Duplicate_service_ids_in_a_clinic_are_refused() =>
        Invalid("service_id", ConfigValidation.Clinic(Good with { Services = [Nmt60, Tp30 with { Id = Nmt60.Id }] }));

    [Fact]
    public void A_room_with_a_malformed_feature_or_an_empty_out_of_service_period_is_refused()
    {
        Invalid("features", ConfigValidation.Room(Room("r1", "hydraulic table")));
        var instant = At(Monday, "10:00");
        Invalid("out_of_service", ConfigValidation.Room(Room("r1") with { OutOfService = [new OutOfServicePeriod(new Interval(instant, instant), "x")] }));
    }

    private static Roster RosterWith(int cycleWeeks, params RosterShift[] shifts) => new("c1", cycleWeeks, Monday, shifts);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(13)]
    public void A_roster_cycle_outside_1_to_12_weeks_is_refused(int weeks) =>
        Invalid("cycle_weeks", ConfigValidation.Roster(RosterWith(weeks)));

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public void A_roster_cycle_of_1_or_12_weeks_is_fine(int weeks) =>
        Assert.Null(ConfigValidation.Roster(RosterWith(weeks)));

    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, -1)]
    [InlineData(1, 1)]
    public void A_shift_in_a_week_outside_the_cycle_is_refused(int cycle, int week) =>
        Invalid("shifts.week", ConfigValidation.Roster(RosterWith(cycle, new RosterShift(week, IsoDayOfWeek.Monday, Hours("09:00", "17:00")))));

    [Fact]
    public void A_reversed_shift_or_roster_period_is_refused()
    {
        Invalid("shifts", ConfigValidation.Roster(RosterWith(1, new RosterShift(0, IsoDayOfWeek.Monday, Hours("17:00", "09:00")))));
        Invalid("until", ConfigValidation.Roster(RosterWith(1) with { From = Monday, Until = Monday.PlusDays(-1) }));
        Invalid("shifts.day", ConfigValidation.Roster(RosterWith(1, new RosterShift(0, IsoDayOfWeek.None, Hours("09:00", "17:00")))));
    }

    [Fact]
    public void A_roster_exception_that_ends_before_or_when_it_starts_is_refused()
    {
        var start = At(Monday, "10:00");
        // NodaTime cannot even represent an interval that ends before it starts, so the API mapping must check the
        // order before building the Interval; an empty period is what can reach the domain, and it is refused.
        Assert.Throws<ArgumentOutOfRangeException>(() => Leave(new Interval(start, start - Duration.FromHours(1))));
        Invalid("period", ConfigValidation.RosterException(Leave(new Interval(start, start))));
        Invalid("period", ConfigValidation.Therapist(Therapist(exceptions: [Leave(new Interval(start, start))])));
        Invalid("period", ConfigValidation.RosterException(Leave(new Interval(start, start + Duration.FromDays(400)))));
    }

    [Fact]
    public void An_extra_shift_without_a_clinic_is_refused()
    {
        var extra = Extra("c1", Span(Monday, "17:00", "19:00")) with { ClinicId = null };
        Invalid("clinic_id", ConfigValidation.RosterException(extra));
        Invalid("clinic_id", ConfigValidation.Therapist(Therapist(exceptions: [extra])));
        Assert.Null(ConfigValidation.RosterException(Extra("c1", Span(Monday, "17:00", "19:00"))));
    }

    [Fact]
    public void An_extra_shift_over_24_hours_is_refused() =>
        Invalid("period", ConfigValidation.RosterException(Extra("c1", new Interval(At(Monday, "00:00"), At(Monday.PlusDays(1), "01:00")))));

    [Fact]
    public void Duplicate_exception_ids_are_refused()
    {
        var t = Therapist(exceptions: [Leave(Span(Monday, "10:00", "11:00"), "x"), Leave(Span(Monday, "12:00", "13:00"), "x")]);
        Invalid("exception_id", ConfigValidation.Therapist(t));
    }

    [Fact]
    public void A_therapist_with_a_bad_roster_is_refused() =>
        Invalid("cycle_weeks", ConfigValidation.Therapist(Therapist(rosters: [RosterWith(13)])));

    [Fact]
    public void Travel_times_must_be_between_zero_and_eight_hours()
    {
        Invalid("default_travel", ConfigValidation.Travel(Travel(-1)));
        Invalid("travel", ConfigValidation.Travel(Travel(30, new TravelTime("c1", "c2", Duration.FromHours(9)))));
        Invalid("clinic_b", ConfigValidation.Travel(Travel(30, new TravelTime("c1", "c 2", Duration.FromHours(1)))));
    }
}
