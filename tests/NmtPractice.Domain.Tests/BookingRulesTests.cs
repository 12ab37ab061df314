using NmtPractice.Domain.Time;
using NodaTime.Testing;
using static NmtPractice.Domain.Tests.TestData;

namespace NmtPractice.Domain.Tests;

public class BookingPlacementTests
{
    private readonly FakeClock _clock = new(Now);
    private readonly Clinic _clinic = Clinic();
    private readonly Therapist _therapist = Therapist();

    private Refusal? Place(Interval treatment, Therapist? therapist = null, Clinic? clinic = null, Service? service = null) =>
        BookingRules.CheckPlacement(clinic ?? _clinic, service ?? Nmt60, therapist ?? _therapist, treatment, _clock.GetCurrentInstant());

    private static void AssertRefused(RefusalReason expected, Refusal? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected, actual.Reason);
        Assert.False(string.IsNullOrWhiteSpace(actual.Message));
    }

    [Fact]
    public void A_booking_inside_opening_hours_and_roster_by_a_qualified_therapist_is_allowed()
    {
        Assert.Null(Place(Span(Monday, "09:00", "10:00")));
        Assert.Null(Place(Span(Monday, "16:00", "17:00")));
    }

    [Fact]
    public void Booking_that_starts_before_now_is_refused_as_in_the_past()
    {
        _clock.Reset(At(Monday, "10:01"));
        AssertRefused(RefusalReason.InThePast, Place(Span(Monday, "10:00", "11:00")));
        Assert.Equal("start", Place(Span(Monday, "10:00", "11:00"))!.Field);
    }

    [Fact]
    public void Booking_that_starts_exactly_now_is_allowed()
    {
        _clock.Reset(At(Monday, "10:00"));
        Assert.Null(Place(Span(Monday, "10:00", "11:00")));
    }

    [Fact]
    public void Booking_on_a_closure_date_is_refused_as_clinic_closed_with_the_reason()
    {
        var clinic = Clinic(closures: [new Closure(new DateRange(Monday, Monday.PlusDays(1)), "Bank holiday")]);
        var refusal = Place(Span(Monday.PlusDays(1), "10:00", "11:00"), clinic: clinic);
        AssertRefused(RefusalReason.ClinicClosed, refusal);
        Assert.Contains("Bank holiday", refusal!.Message);
        Assert.Null(Place(Span(Monday.PlusDays(2), "10:00", "11:00"), clinic: clinic));
    }

    [Fact]
    public void Booking_that_runs_past_closing_time_is_refused_as_outside_opening_hours()
    {
        AssertRefused(RefusalReason.OutsideOpeningHours, Place(Span(Monday, "16:30", "17:30")));
        AssertRefused(RefusalReason.OutsideOpeningHours, Place(Span(Monday, "08:45", "09:45")));
    }

    [Fact]
    public void Booking_on_a_day_without_opening_hours_is_refused_as_outside_opening_hours()
    {
        AssertRefused(RefusalReason.OutsideOpeningHours, Place(Span(Sunday, "10:00", "11:00")));
    }

    [Fact]
    public void Booking_across_a_lunch_break_is_refused_even_though_both_ends_are_open()
    {
        var clinic = Clinic(hours: [.. Open([IsoDayOfWeek.Monday], "09:00", "12:00"), .. Open([IsoDayOfWeek.Monday], "13:00", "17:00")]);
        AssertRefused(RefusalReason.OutsideOpeningHours, Place(Span(Monday, "11:30", "13:30"), clinic: clinic));
        Assert.Null(Place(Span(Monday, "13:00", "14:00"), clinic: clinic));
    }

    [Fact]
    public void Booking_while_the_therapist_is_on_leave_is_refused_as_on_leave()
    {
        var therapist = Therapist(exceptions: [Leave(Span(Monday, "10:00", "12:00"))]);
        AssertRefused(RefusalReason.TherapistOnLeave, Place(Span(Monday, "11:00", "12:00"), therapist));
        AssertRefused(RefusalReason.TherapistOnLeave, Place(Span(Monday, "09:30", "10:30"), therapist));
        Assert.Null(Place(Span(Monday, "12:00", "13:00"), therapist));
        Assert.Null(Place(Span(Monday, "09:00", "10:00"), therapist));
    }

    [Fact]
    public void Booking_when_the_therapist_is_not_rostered_is_refused_as_outside_roster()
    {
        AssertRefused(RefusalReason.OutsideRoster, Place(Span(Saturday, "10:00", "11:00")));
        var partTime = Therapist(rosters: [Weekly("c1", [IsoDayOfWeek.Monday], "09:00", "12:00")]);
        AssertRefused(RefusalReason.OutsideRoster, Place(Span(Monday, "11:30", "12:30"), partTime));
    }

    [Fact]
    public void Booking_a_therapist_rostered_only_at_another_clinic_is_refused_as_outside_roster()
    {
        var elsewhere = Therapist(rosters: [Weekly("c2", MondayToFriday, "09:00", "17:00")]);
        AssertRefused(RefusalReason.OutsideRoster, Place(Span(Monday, "10:00", "11:00"), elsewhere));
    }

    [Fact]
    public void Booking_a_therapist_without_the_required_qualification_is_refused_as_unqualified()
    {
        var unqualified = Therapist(qualifications: [new Qualification("massage", null)]);
        AssertRefused(RefusalReason.Unqualified, Place(Span(Monday, "10:00", "11:00"), unqualified));
        Assert.Null(Place(Span(Monday, "10:00", "10:30"), unqualified, service: Tp30));
    }

    [Fact]
    public void Booking_a_therapist_whose_qualification_expired_before_the_day_is_refused_as_expired()
    {
        var expiring = Therapist(qualifications: [new Qualification(Nmt, Monday.PlusDays(-1))]);
        AssertRefused(RefusalReason.QualificationExpired, Place(Span(Monday, "10:00", "11:00"), expiring));
        var lastDay = Therapist(qualifications: [new Qualification(Nmt, Monday)]);
        Assert.Null(Place(Span(Monday, "10:00", "11:00"), lastDay));
    }
}

public class RoomRuleTests
{
    private static readonly Interval Treatment = Span(Monday, "10:00", "11:00");
    private static readonly Interval Occupancy = new(Treatment.Start, Treatment.End + Nmt60.Turnover);

    [Fact]
    public void Room_without_a_required_feature_is_refused_naming_the_missing_feature()
    {
        var refusal = BookingRules.CheckRoom(Room("r9", Wheelchair), Nmt60, Occupancy);
        Assert.Equal(RefusalReason.RoomLacksFeatures, refusal?.Reason);
        Assert.Contains(Table, refusal!.Message);
        Assert.Equal("room_id", refusal.Field);
    }

    [Fact]
    public void Room_with_extra_features_is_fine()
    {
        Assert.Null(BookingRules.CheckRoom(Room("r9", Wheelchair, Table, Quiet), Nmt60, Occupancy));
    }

    [Fact]
    public void Room_out_of_service_during_the_turnover_only_is_refused()
    {
        var room = Room("r1", Table) with { OutOfService = [new OutOfServicePeriod(Span(Monday, "11:10", "12:00"), "repairs")] };
        Assert.Equal(RefusalReason.RoomOutOfService, BookingRules.CheckRoom(room, Nmt60, Occupancy)?.Reason);
    }

    [Fact]
    public void Room_out_of_service_until_the_start_or_from_the_free_at_time_is_fine()
    {
        var room = Room("r1", Table) with
        {
            OutOfService =
            [
                new OutOfServicePeriod(Span(Monday, "08:00", "10:00"), "repairs"),
                new OutOfServicePeriod(Span(Monday, "11:15", "12:00"), "deep clean"),
            ],
        };
        Assert.Null(BookingRules.CheckRoom(room, Nmt60, Occupancy));
    }
}

public class CalendarRuleTests
{
    private static readonly TravelMatrix Travel30 = Travel(30);

    private static Refusal? Therapist(Interval treatment, string clinicId = "c1", Guid? ignore = null, params TherapistBooking[] existing) =>
        BookingRules.CheckTherapistCalendar(existing, "t1", clinicId, treatment, Travel30, ignore);

    private static Refusal? Room(Interval treatment, Duration turnover, Guid? ignore = null, params RoomBooking[] existing) =>
        BookingRules.CheckRoomCalendar(existing, "r1", treatment, new Interval(treatment.Start, treatment.End + turnover), ignore);

    private static readonly Duration Fifteen = Duration.FromMinutes(15);

    [Fact]
    public void Booking_that_overlaps_the_therapists_appointment_is_refused_as_therapist_busy()
    {
        var existing = TherapistBooking("c1", Span(Monday, "10:00", "11:00"));
        Assert.Equal(RefusalReason.TherapistBusy, Therapist(Span(Monday, "10:30", "11:30"), existing: existing)?.Reason);
        Assert.Equal(RefusalReason.TherapistBusy, Therapist(Span(Monday, "09:30", "10:01"), existing: existing)?.Reason);
        Assert.Equal(RefusalReason.TherapistBusy, Therapist(Span(Monday, "10:15", "10:45"), existing: existing)?.Reason);
    }

    [Fact]
    public void Back_to_back_appointments_at_the_same_clinic_are_allowed_for_the_therapist()
    {
        var existing = TherapistBooking("c1", Span(Monday, "10:00", "11:00"));
        Assert.Null(Therapist(Span(Monday, "11:00", "12:00"), existing: existing));
        Assert.Null(Therapist(Span(Monday, "09:00", "10:00"), existing: existing));
    }

    [Fact]
    public void Therapist_busy_wins_over_travel_when_both_apply()
    {
        var elsewhere = TherapistBooking("c2", Span(Monday, "08:00", "09:50"));
        var overlapping = TherapistBooking("c1", Span(Monday, "10:00", "11:00"));
        Assert.Equal(RefusalReason.TherapistBusy, Therapist(Span(Monday, "10:00", "10:30"), existing: [elsewhere, overlapping])?.Reason);
    }

    [Fact]
    public void Booking_too_soon_after_an_appointment_at_another_clinic_is_refused_for_travel()
    {
        var before = TherapistBooking("c2", Span(Monday, "09:00", "10:00"));
        var refusal = Therapist(Span(Monday, "10:15", "11:15"), existing: before);
        Assert.Equal(RefusalReason.Travel, refusal?.Reason);
        Assert.True(refusal!.IsConflict);
        Assert.Null(Therapist(Span(Monday, "10:30", "11:30"), existing: before));
    }

    [Fact]
    public void Booking_that_leaves_too_little_time_to_reach_the_next_appointment_at_another_clinic_is_refused_for_travel()
    {
        var after = TherapistBooking("c2", Span(Monday, "12:00", "13:00"));
        Assert.Equal(RefusalReason.Travel, Therapist(Span(Monday, "10:45", "11:45"), existing: after)?.Reason);
        Assert.Null(Therapist(Span(Monday, "10:30", "11:30"), existing: after));
    }

    [Fact]
    public void Travel_uses_the_pair_time_of_the_two_clinics()
    {
        var matrix = Travel(30, new TravelTime("c2", "c1", Duration.FromMinutes(90)));
        var before = TherapistBooking("c2", Span(Monday, "09:00", "10:00"));
        Assert.Equal(RefusalReason.Travel,
            BookingRules.CheckTherapistCalendar([before], "t1", "c1", Span(Monday, "11:00", "12:00"), matrix)?.Reason);
        Assert.Null(BookingRules.CheckTherapistCalendar([before], "t1", "c1", Span(Monday, "11:30", "12:30"), matrix));
    }

    [Fact]
    public void Moving_an_appointment_does_not_conflict_with_itself()
    {
        var id = Guid.NewGuid();
        var self = TherapistBooking("c1", Span(Monday, "10:00", "11:00"), id);
        Assert.Null(Therapist(Span(Monday, "10:30", "11:30"), ignore: id, existing: self));
        Assert.Equal(RefusalReason.TherapistBusy, Therapist(Span(Monday, "10:30", "11:30"), existing: self)?.Reason);

        var other = TherapistBooking("c1", Span(Monday, "11:15", "12:00"));
        Assert.Equal(RefusalReason.TherapistBusy, Therapist(Span(Monday, "10:30", "11:30"), ignore: id, existing: [self, other])?.Reason);
    }

    [Fact]
    public void Moving_an_appointment_does_not_conflict_with_its_own_room_booking()
    {
        var id = Guid.NewGuid();
        var self = RoomBooking("r1", Span(Monday, "10:00", "11:00"), Fifteen, id);
        Assert.Null(Room(Span(Monday, "10:30", "11:30"), Fifteen, id, self));
        Assert.Equal(RefusalReason.RoomBusy, Room(Span(Monday, "10:30", "11:30"), Fifteen, null, self)?.Reason);
    }

    [Fact]
    public void Booking_that_overlaps_another_treatment_in_the_room_is_refused_as_room_busy()
    {
        var existing = RoomBooking("r1", Span(Monday, "10:00", "11:00"), Fifteen);
        var refusal = Room(Span(Monday, "10:30", "11:30"), Fifteen, null, existing);
        Assert.Equal(RefusalReason.RoomBusy, refusal?.Reason);
        Assert.Equal("room_id", refusal!.Field);
    }

    [Fact]
    public void Booking_that_overlaps_the_rooms_turnover_is_refused()
    {
        var existing = RoomBooking("r1", Span(Monday, "10:00", "11:00"), Fifteen);
        Assert.Equal(RefusalReason.Turnover, Room(Span(Monday, "11:00", "12:00"), Fifteen, null, existing)?.Reason);
        Assert.Equal(RefusalReason.Turnover, Room(Span(Monday, "11:14", "12:00"), Fifteen, null, existing)?.Reason);
        Assert.Null(Room(Span(Monday, "11:15", "12:15"), Fifteen, null, existing));
    }

    [Fact]
    public void Booking_whose_own_turnover_runs_into_the_next_treatment_is_refused()
    {
        var next = RoomBooking("r1", Span(Monday, "11:00", "12:00"), Fifteen);
        Assert.Equal(RefusalReason.Turnover, Room(Span(Monday, "10:00", "11:00"), Fifteen, null, next)?.Reason);
        Assert.Null(Room(Span(Monday, "09:45", "10:45"), Fifteen, null, next));
        Assert.Null(Room(Span(Monday, "10:00", "11:00"), Duration.Zero, null, next));
    }

    [Fact]
    public void Room_busy_wins_over_turnover_when_both_apply()
    {
        var earlier = RoomBooking("r1", Span(Monday, "09:00", "10:00"), Fifteen);
        var overlapping = RoomBooking("r1", Span(Monday, "10:30", "11:00"), Fifteen);
        Assert.Equal(RefusalReason.RoomBusy, Room(Span(Monday, "10:05", "10:35"), Fifteen, null, earlier, overlapping)?.Reason);
    }

    [Fact]
    public void Bookings_of_other_rooms_do_not_block_this_room()
    {
        var other = RoomBooking("r2", Span(Monday, "10:00", "11:00"), Fifteen);
        Assert.Null(Room(Span(Monday, "10:00", "11:00"), Fifteen, null, other));
    }

    [Fact]
    public void Booking_that_overlaps_the_clients_appointment_is_refused_as_client_busy()
    {
        IReadOnlyList<Interval> busy = [Span(Monday, "10:00", "11:00")];
        Assert.Equal(RefusalReason.ClientBusy, BookingRules.CheckClientCalendar(busy, "k1", Span(Monday, "10:59", "11:30"))?.Reason);
        Assert.Null(BookingRules.CheckClientCalendar(busy, "k1", Span(Monday, "11:00", "11:30")));
        Assert.Null(BookingRules.CheckClientCalendar(busy, "k1", Span(Monday, "09:00", "10:00")));
    }
}
