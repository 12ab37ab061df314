using NmtPractice.Domain.Time;
using static NmtPractice.Domain.Tests.TestData;

namespace NmtPractice.Domain.Tests;

/// <summary>
/// Invariant 6: daylight-saving changes neither lose nor duplicate an hour of availability.
/// Europe/London: 2026-03-29 01:00 GMT -> 02:00 BST, 2026-10-25 02:00 BST -> 01:00 GMT.
/// America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT, 2026-11-01 02:00 EDT -> 01:00 EST.
/// </summary>
public class DaylightSavingTests
{
    public static TheoryData<string, LocalDate, int> Days => new()
    {
        { "Europe/London", new LocalDate(2026, 3, 29), 23 },
        { "Europe/London", new LocalDate(2026, 10, 25), 25 },
        { "Europe/London", new LocalDate(2026, 6, 1), 24 },
        { "America/New_York", new LocalDate(2026, 3, 8), 23 },
        { "America/New_York", new LocalDate(2026, 11, 1), 25 },
        { "America/New_York", new LocalDate(2026, 6, 1), 24 },
    };

    private static readonly Service Quarter = Service("q15", 15);

    private static Clinic AllDayClinic(string zone) =>
        Clinic(zone: zone, hours: Open(EveryDay, "00:00", "24:00"), rooms: [Room("r1")]) with { Services = [Quarter] };

    private static Therapist AllDayTherapist(LocalDate date) =>
        Therapist(rosters: [Weekly("c1", EveryDay, "00:00", "24:00", anchor: date)], qualifications: []);

    private static readonly Instant LongAgo = Instant.FromUtc(2025, 1, 1, 0, 0);

    [Theory]
    [MemberData(nameof(Days))]
    public void A_clinic_open_midnight_to_midnight_is_open_for_the_real_length_of_the_day(string zone, LocalDate date, int hours)
    {
        var open = AllDayClinic(zone).OpenIntervals(date);
        Assert.Equal(Duration.FromHours(hours), Intervals.TotalDuration(open));
        var z = TimeZones.Get(zone);
        Assert.Equal([new Interval(date.AtStartOfDayInZone(z).ToInstant(), date.PlusDays(1).AtStartOfDayInZone(z).ToInstant())], open);
    }

    [Theory]
    [MemberData(nameof(Days))]
    public void A_24_hour_clinic_offers_one_quarter_hour_slot_per_real_quarter_hour_of_the_day(string zone, LocalDate date, int hours)
    {
        var clinic = AllDayClinic(zone);
        var slots = Availability.ForDay(clinic, Quarter, [AllDayTherapist(date)], date, DayCalendars.Empty, Travel(30), LongAgo, Duration.FromMinutes(15)).ToList();

        Assert.Equal(hours * 4, slots.Count); // 92, 100 or 96
        Assert.Equal(slots.Count, slots.Select(s => s.Start).Distinct().Count());
        for (var i = 1; i < slots.Count; i++)
        {
            Assert.Equal(Duration.FromMinutes(15), slots[i].Start - slots[i - 1].Start);
        }
        var z = clinic.Zone;
        Assert.Equal(date.AtStartOfDayInZone(z).ToInstant(), slots[0].Start);
        Assert.Equal(date.PlusDays(1).AtStartOfDayInZone(z).ToInstant(), slots[^1].End);
        Assert.All(slots, s => Assert.Equal(s.LocalStart, s.Start.InZone(z).LocalDateTime));
        Assert.All(slots, s => Assert.Equal(z.GetUtcOffset(s.Start), s.Offset));
        Assert.All(slots, s => Assert.Equal(0, s.LocalStart.Minute % 15));
    }

    [Theory]
    [InlineData("Europe/London", 2026, 10, 25)]
    [InlineData("America/New_York", 2026, 11, 1)]
    public void Slots_in_the_repeated_hour_share_a_wall_clock_label_but_carry_different_offsets(string zone, int y, int m, int d)
    {
        var date = new LocalDate(y, m, d);
        var slots = Availability.ForDay(AllDayClinic(zone), Quarter, [AllDayTherapist(date)], date, DayCalendars.Empty, Travel(30), LongAgo, Duration.FromMinutes(15)).ToList();
        var repeated = slots.GroupBy(s => s.LocalStart).Where(g => g.Count() > 1).ToList();
        Assert.Equal(4, repeated.Count); // 01:00, 01:15, 01:30, 01:45
        Assert.All(repeated, g => Assert.Equal(1, g.Key.Hour));
        Assert.All(repeated, g =>
        {
            var pair = g.OrderBy(s => s.Start).ToList();
            Assert.Equal(2, pair.Count);
            Assert.Equal(Offset.FromHours(1), pair[0].Offset - pair[1].Offset); // summer time first, then standard
            Assert.Equal(Duration.FromHours(1), pair[1].Start - pair[0].Start);
        });
    }

    [Theory]
    [InlineData("Europe/London", 2026, 3, 29, 1)]
    [InlineData("America/New_York", 2026, 3, 8, 2)]
    public void No_slot_is_labelled_with_a_wall_clock_time_that_does_not_exist(string zone, int y, int m, int d, int skippedHour)
    {
        var date = new LocalDate(y, m, d);
        var slots = Availability.ForDay(AllDayClinic(zone), Quarter, [AllDayTherapist(date)], date, DayCalendars.Empty, Travel(30), LongAgo, Duration.FromMinutes(15)).ToList();
        Assert.DoesNotContain(slots, s => s.LocalStart.Hour == skippedHour);
        Assert.Contains(slots, s => s.LocalStart.Hour == skippedHour + 1 && s.LocalStart.Minute == 0);
    }

    [Theory]
    [InlineData("Europe/London", 2026, 3, 29, 5)]
    [InlineData("Europe/London", 2026, 10, 25, 7)]
    [InlineData("America/New_York", 2026, 3, 8, 5)]
    [InlineData("America/New_York", 2026, 11, 1, 7)]
    [InlineData("America/New_York", 2026, 6, 1, 6)]
    public void A_night_shift_across_the_change_lasts_its_real_length(string zone, int y, int m, int d, int hours)
    {
        var date = new LocalDate(y, m, d);
        var z = TimeZones.Get(zone);
        var night = Therapist(rosters: [Weekly("c1", EveryDay, "00:00", "06:00", anchor: date)]);
        var working = night.WorkingIntervals("c1", z, date);
        Assert.Equal(Duration.FromHours(hours), Intervals.TotalDuration(working));
        Assert.Equal(Duration.FromHours(hours), Hours("00:00", "06:00").ToInterval(date, z).Duration);
    }

    [Theory]
    [InlineData("Europe/London", 2026, 3, 29)]
    [InlineData("Europe/London", 2026, 10, 25)]
    [InlineData("America/New_York", 2026, 3, 8)]
    [InlineData("America/New_York", 2026, 11, 1)]
    public void A_day_shift_on_a_daylight_saving_day_is_still_eight_hours(string zone, int y, int m, int d)
    {
        var date = new LocalDate(y, m, d);
        var z = TimeZones.Get(zone);
        var interval = Hours("09:00", "17:00").ToInterval(date, z);
        Assert.Equal(Duration.FromHours(8), interval.Duration);
        Assert.Equal(new LocalTime(9, 0), interval.Start.InZone(z).TimeOfDay);
    }

    [Fact]
    public void A_booking_across_the_missing_hour_lasts_its_real_duration_and_is_allowed()
    {
        var date = new LocalDate(2026, 3, 29);
        var clinic = AllDayClinic("Europe/London");
        var start = At(date, "00:30");
        var treatment = new Interval(start, start + Duration.FromHours(1)); // 00:30 GMT .. 02:30 BST on the wall clock
        Assert.Null(BookingRules.CheckPlacement(clinic, Quarter, AllDayTherapist(date), treatment, LongAgo));
        Assert.Equal(new LocalTime(2, 30), treatment.End.InZone(London).TimeOfDay);
    }

    [Fact]
    public void The_second_one_oclock_is_a_different_slot_from_the_first()
    {
        var date = new LocalDate(2026, 10, 25);
        var clinic = AllDayClinic("Europe/London");
        var first = new LocalDateTime(2026, 10, 25, 1, 0).InZoneLeniently(London).ToInstant(); // earlier: BST
        var second = first + Duration.FromHours(1);                                              // 01:00 GMT
        Assert.Equal(new LocalTime(1, 0), second.InZone(London).TimeOfDay);
        var existing = TherapistBooking("c1", new Interval(first, first + Duration.FromMinutes(15)));
        Assert.Equal(RefusalReason.TherapistBusy,
            BookingRules.CheckTherapistCalendar([existing], "t1", "c1", new Interval(first, first + Duration.FromMinutes(15)), Travel(30))?.Reason);
        Assert.Null(BookingRules.CheckTherapistCalendar([existing], "t1", "c1", new Interval(second, second + Duration.FromMinutes(15)), Travel(30)));
        Assert.Null(BookingRules.CheckPlacement(clinic, Quarter, AllDayTherapist(date), new Interval(second, second + Duration.FromMinutes(15)), LongAgo));
    }

    [Fact]
    public void A_shift_starting_inside_the_missing_hour_starts_when_the_clock_reaches_the_first_valid_time()
    {
        // London 2026-03-29: 01:00-02:00 does not exist. A shift 01:30-03:00 on the wall clock covers every
        // real instant from 02:00 BST to 03:00 BST; it must not start at 02:30 and lose half an hour.
        var date = new LocalDate(2026, 3, 29);
        var interval = Hours("01:30", "03:00").ToInterval(date, London);
        Assert.Equal(At(date, "02:00"), interval.Start);
        Assert.Equal(Duration.FromHours(1), interval.Duration);
    }

    [Fact]
    public void A_shift_ending_inside_the_missing_hour_ends_when_the_clock_jumps()
    {
        // A shift 00:00-01:30 on the same day covers 00:00-01:00 GMT, then the clock jumps to 02:00 BST: the wall
        // clock never shows 01:30, and 02:00-02:30 BST is outside the shift.
        var date = new LocalDate(2026, 3, 29);
        var interval = Hours("00:00", "01:30").ToInterval(date, London);
        Assert.Equal(At(date, "02:00"), interval.End);
        Assert.Equal(Duration.FromHours(1), interval.Duration);
    }

    [Theory]
    [InlineData("Europe/London", 2026, 3, 29, "01:30", "02:15", 15)]
    [InlineData("America/New_York", 2026, 3, 8, "02:30", "03:15", 15)]
    [InlineData("America/New_York", 2026, 3, 8, "02:15", "02:45", 0)]
    public void A_range_starting_in_the_missing_hour_and_ending_just_after_it_maps_without_error(string zone, int y, int m, int d, string from, string to, int minutes)
    {
        // Moving a skipped start forward by the length of the gap put it after the end: new Interval(start, end) threw.
        var clinic = Clinic(zone: zone, hours: [new OpeningRange(new LocalDate(y, m, d).DayOfWeek, Hours(from, to))]);
        var open = clinic.OpenIntervals(new LocalDate(y, m, d));
        Assert.Equal(Duration.FromMinutes(minutes), Intervals.TotalDuration(open));
    }

    [Fact]
    public void A_range_ending_in_the_repeated_hour_ends_at_its_later_occurrence()
    {
        var date = new LocalDate(2026, 10, 25);
        var interval = Hours("00:00", "01:30").ToInterval(date, London);
        Assert.Equal(Duration.FromMinutes(150), interval.Duration); // 00:00 BST .. 01:30 GMT
        Assert.Equal(Offset.Zero, London.GetUtcOffset(interval.End));
    }
}
