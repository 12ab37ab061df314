using static NmtPractice.Domain.Tests.TestData;

namespace NmtPractice.Domain.Tests;

public class AvailabilityTests
{
    private static readonly Duration Grid = Availability.DefaultGrid;

    private static List<AvailableSlot> Slots(
        Clinic? clinic = null, Service? service = null, IEnumerable<Therapist>? therapists = null, LocalDate? date = null,
        DayCalendars? calendars = null, TravelMatrix? travel = null, Instant? now = null, string? client = null, Duration? grid = null) =>
        Availability.ForDay(clinic ?? Clinic(), service ?? Tp30, therapists ?? [Therapist()], date ?? Monday,
            calendars ?? DayCalendars.Empty, travel ?? Travel(30), now ?? Now, grid ?? Grid, client).ToList();

    private static List<string> Starts(IEnumerable<AvailableSlot> slots) => slots.Select(s => s.LocalStart.TimeOfDay.ToString("HH:mm", null)).ToList();

    [Fact]
    public void An_empty_day_offers_every_grid_start_that_fits_before_closing()
    {
        var slots = Slots();
        Assert.Equal(31, slots.Count); // 09:00 .. 16:30 every 15 min for a 30-min service
        Assert.Equal("09:00", Starts(slots)[0]);
        Assert.Equal("16:30", Starts(slots)[^1]);
        Assert.All(slots, s => Assert.Equal(s.Start + Duration.FromMinutes(30), s.End));
        Assert.All(slots, s => Assert.Equal("Europe/London", s.TimeZoneId));
        Assert.All(slots, s => Assert.Equal(Offset.FromHours(1), s.Offset));
    }

    [Fact]
    public void The_grid_is_anchored_at_local_midnight_not_at_the_opening_time()
    {
        var clinic = Clinic(hours: Open([IsoDayOfWeek.Monday], "09:10", "11:00"));
        Assert.Equal(["09:15", "09:30", "09:45", "10:00", "10:15", "10:30"], Starts(Slots(clinic)));
    }

    [Fact]
    public void No_slot_is_offered_before_now()
    {
        var slots = Slots(now: At(Monday, "11:05"));
        Assert.Equal("11:15", Starts(slots)[0]);
        Assert.Equal(Slots(now: At(Monday, "11:15")), slots);
    }

    [Fact]
    public void A_closed_day_offers_nothing()
    {
        Assert.Empty(Slots(date: Sunday));
        Assert.Empty(Slots(clinic: Clinic(closures: [new Closure(new DateRange(Monday, Monday), "Training day")])));
    }

    [Fact]
    public void A_busy_therapist_is_not_offered_during_their_appointment()
    {
        var calendars = Calendars(therapists: new Dictionary<string, IReadOnlyList<TherapistBooking>>
        {
            ["t1"] = [TherapistBooking("c1", Span(Monday, "10:00", "11:00"))],
        });
        var starts = Starts(Slots(calendars: calendars));
        Assert.Contains("09:30", starts);
        Assert.DoesNotContain("09:45", starts);
        Assert.DoesNotContain("10:45", starts);
        Assert.Contains("11:00", starts);
    }

    [Fact]
    public void A_therapist_busy_at_another_clinic_needs_travel_time_before_and_after()
    {
        var calendars = Calendars(therapists: new Dictionary<string, IReadOnlyList<TherapistBooking>>
        {
            ["t1"] = [TherapistBooking("c2", Span(Monday, "12:00", "13:00"))],
        });
        var starts = Starts(Slots(calendars: calendars, travel: Travel(30)));
        Assert.Contains("11:00", starts);      // ends 11:30, 30 min to travel
        Assert.DoesNotContain("11:15", starts);
        Assert.DoesNotContain("13:15", starts);
        Assert.Contains("13:30", starts);
    }

    [Fact]
    public void When_the_only_suitable_room_is_busy_no_slot_is_offered_then()
    {
        var clinic = Clinic(rooms: [Room("r1", Table)]);
        var calendars = Calendars(rooms: [RoomBooking("r1", Span(Monday, "11:00", "12:00"), Duration.FromMinutes(15))]);
        var starts = Starts(Slots(clinic, Nmt60, calendars: calendars));
        Assert.Contains("09:45", starts);                // 09:45-10:45, turnover until 11:00
        Assert.DoesNotContain("10:00", starts);          // our turnover would run into 11:00
        Assert.DoesNotContain("11:30", starts);          // room busy
        Assert.DoesNotContain("12:00", starts);          // the other booking's turnover until 12:15
        Assert.Contains("12:15", starts);
        Assert.All(Slots(clinic, Nmt60, calendars: calendars), s => Assert.Equal("r1", s.RoomId));
    }

    [Fact]
    public void Another_room_is_offered_when_the_best_one_is_busy()
    {
        var calendars = Calendars(rooms: [RoomBooking("r1", Span(Monday, "10:00", "11:00"), Duration.FromMinutes(15))]);
        var slot = Slots(service: Nmt60, calendars: calendars).Single(s => s.LocalStart.TimeOfDay == TestData.Time("10:00"));
        Assert.Equal("r2", slot.RoomId);
        var free = Slots(service: Nmt60).Single(s => s.LocalStart.TimeOfDay == TestData.Time("10:00"));
        Assert.Equal("r1", free.RoomId); // fewer extra features
    }

    [Fact]
    public void A_busy_client_is_not_offered_a_second_appointment_at_the_same_time()
    {
        var calendars = Calendars(client: [Span(Monday, "10:00", "11:00")]);
        var starts = Starts(Slots(calendars: calendars, client: "k1"));
        Assert.DoesNotContain("09:45", starts);
        Assert.DoesNotContain("10:30", starts);
        Assert.Contains("09:30", starts);
        Assert.Contains("11:00", starts);
        Assert.Contains("10:00", Starts(Slots(calendars: calendars))); // without a client, the client's calendar is ignored
    }

    [Fact]
    public void Several_therapists_each_get_their_own_slots_ordered_by_start_then_therapist()
    {
        var t1 = Therapist("t1", rosters: [Weekly("c1", [IsoDayOfWeek.Monday], "09:00", "10:00")]);
        var t2 = Therapist("t2", rosters: [Weekly("c1", [IsoDayOfWeek.Monday], "09:30", "10:30")]);
        var slots = Slots(therapists: [t2, t1]);
        Assert.Equal(
            [("09:00", "t1"), ("09:15", "t1"), ("09:30", "t1"), ("09:30", "t2"), ("09:45", "t2"), ("10:00", "t2")],
            slots.Select(s => (s.LocalStart.TimeOfDay.ToString("HH:mm", null), s.TherapistId)).ToList());
    }

    [Fact]
    public void Only_qualified_therapists_are_offered()
    {
        var qualified = Therapist("t1");
        var unqualified = Therapist("t2", qualifications: []);
        var expired = Therapist("t3", qualifications: [new Qualification(Nmt, Monday.PlusDays(-1))]);
        var slots = Slots(service: Nmt60, therapists: [qualified, unqualified, expired]);
        Assert.NotEmpty(slots);
        Assert.All(slots, s => Assert.Equal("t1", s.TherapistId));
        Assert.NotEmpty(Slots(service: Tp30, therapists: [unqualified]));
    }

    [Fact]
    public void Leave_removes_slots()
    {
        var onLeave = Therapist(exceptions: [Leave(Span(Monday, "09:00", "16:00"))]);
        Assert.Equal(["16:00", "16:15", "16:30"], Starts(Slots(therapists: [onLeave])));
    }

    [Fact]
    public void Slots_are_offered_only_where_the_shift_and_the_opening_hours_overlap()
    {
        var early = Therapist(rosters: [Weekly("c1", [IsoDayOfWeek.Monday], "07:00", "10:00")]);
        Assert.Equal(["09:00", "09:15", "09:30"], Starts(Slots(therapists: [early])));
    }

    [Fact]
    public void A_coarser_grid_offers_fewer_starts()
    {
        Assert.Equal(16, Slots(grid: Duration.FromMinutes(30)).Count); // 09:00 .. 16:30
    }

    [Fact]
    public void Nearest_returns_the_closest_slots_and_earlier_wins_a_tie()
    {
        var slots = Slots();
        var nearest = Availability.Nearest(slots, At(Monday, "12:07"), 3);
        Assert.Equal(["12:00", "12:15", "11:45"], Starts(nearest));
        var tie = Availability.Nearest(slots, At(Monday, "12:07") + Duration.FromSeconds(30), 2);
        Assert.Equal(["12:00", "12:15"], Starts(tie));
        Assert.Empty(Availability.Nearest([], At(Monday, "12:00")));
        Assert.Equal(2, Availability.Nearest(slots.Take(2), At(Monday, "12:00"), 5).Count);
    }
}
