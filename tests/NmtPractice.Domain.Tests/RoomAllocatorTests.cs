using static NmtPractice.Domain.Tests.TestData;

namespace NmtPractice.Domain.Tests;

public class RoomAllocatorTests
{
    private static readonly Service Session = Service("s60", 60, 0, null, Table);

    private static (Room? Room, Refusal? Refusal) Choose(Clinic clinic, Interval treatment, Service? service = null, Guid? ignore = null, params RoomBooking[] bookings) =>
        RoomAllocator.Choose(clinic, service ?? Session, treatment, bookings, ignore);

    [Fact]
    public void The_room_with_the_fewest_extra_features_is_chosen()
    {
        var clinic = Clinic(rooms: [Room("a-special", Table, Wheelchair, Quiet), Room("b-plain", Table), Room("c-quiet", Table, Quiet)]);
        Assert.Equal("b-plain", Choose(clinic, Span(Monday, "10:00", "11:00")).Room?.Id);
    }

    [Fact]
    public void A_room_without_the_required_features_is_never_chosen_even_when_it_is_the_only_free_one()
    {
        var clinic = Clinic(rooms: [Room("plain"), Room("table", Table)]);
        var (room, refusal) = Choose(clinic, Span(Monday, "10:00", "11:00"), null, null, RoomBooking("table", Span(Monday, "10:00", "11:00"), Duration.Zero));
        Assert.Null(room);
        Assert.Equal(RefusalReason.RoomBusy, refusal?.Reason);
    }

    [Fact]
    public void Between_identical_rooms_the_one_whose_free_gap_fits_the_appointment_exactly_is_chosen()
    {
        // "a-afternoon" is free all afternoon; "b-gap" has exactly one free hour, 13:00-14:00, between two bookings.
        // Room id order would pick "a-afternoon": best fit must pick "b-gap" and keep the long afternoon usable.
        var clinic = Clinic(rooms: [Room("a-afternoon", Table), Room("b-gap", Table)]);
        var (room, refusal) = Choose(clinic, Span(Monday, "13:00", "14:00"), null, null,
            RoomBooking("b-gap", Span(Monday, "12:00", "13:00"), Duration.Zero),
            RoomBooking("b-gap", Span(Monday, "14:00", "17:00"), Duration.Zero),
            RoomBooking("a-afternoon", Span(Monday, "09:00", "12:00"), Duration.Zero));
        Assert.Null(refusal);
        Assert.Equal("b-gap", room?.Id);
    }

    [Fact]
    public void Best_gap_counts_an_out_of_service_period_as_a_boundary()
    {
        var closing = Room("b-repairs", Table) with { OutOfService = [new OutOfServicePeriod(Span(Monday, "11:00", "17:00"), "repairs")] };
        var clinic = Clinic(rooms: [Room("a-free", Table), closing]);
        Assert.Equal("b-repairs", Choose(clinic, Span(Monday, "10:00", "11:00")).Room?.Id);
    }

    [Fact]
    public void Feature_fit_comes_before_gap_fit()
    {
        var clinic = Clinic(rooms: [Room("a-plain", Table), Room("b-special", Table, Wheelchair)]);
        var (room, _) = Choose(clinic, Span(Monday, "13:00", "14:00"), null, null,
            RoomBooking("b-special", Span(Monday, "12:00", "13:00"), Duration.Zero),
            RoomBooking("b-special", Span(Monday, "14:00", "17:00"), Duration.Zero));
        Assert.Equal("a-plain", room?.Id);
    }

    [Fact]
    public void Equal_rooms_with_equal_gaps_are_chosen_by_id()
    {
        var clinic = Clinic(rooms: [Room("r2", Table), Room("r1", Table)]);
        Assert.Equal("r1", Choose(clinic, Span(Monday, "10:00", "11:00")).Room?.Id);
    }

    [Fact]
    public void When_no_room_has_the_features_the_refusal_is_no_suitable_room()
    {
        var clinic = Clinic(rooms: [Room("r1", Quiet), Room("r2", Wheelchair)]);
        var (room, refusal) = Choose(clinic, Span(Monday, "10:00", "11:00"));
        Assert.Null(room);
        Assert.Equal(RefusalReason.NoSuitableRoom, refusal?.Reason);
        Assert.Contains(Table, refusal!.Message);
    }

    [Fact]
    public void When_every_suitable_room_is_busy_the_refusal_is_room_busy()
    {
        var clinic = Clinic(rooms: [Room("r1", Table), Room("r2", Table)]);
        var (room, refusal) = Choose(clinic, Span(Monday, "10:00", "11:00"), null, null,
            RoomBooking("r1", Span(Monday, "10:30", "11:30"), Duration.Zero),
            RoomBooking("r2", Span(Monday, "09:30", "10:30"), Duration.Zero));
        Assert.Null(room);
        Assert.Equal(RefusalReason.RoomBusy, refusal?.Reason);
    }

    [Fact]
    public void When_only_turnover_blocks_every_suitable_room_the_refusal_is_turnover()
    {
        var service = Service("s60t", 60, 15, null, Table);
        var clinic = Clinic(rooms: [Room("r1", Table), Room("r2", Table)]);
        var (room, refusal) = Choose(clinic, Span(Monday, "10:00", "11:00"), service, null,
            RoomBooking("r1", Span(Monday, "09:00", "10:00"), Duration.FromMinutes(15)),   // its turnover runs to 10:15
            RoomBooking("r2", Span(Monday, "11:00", "12:00"), Duration.FromMinutes(15)));  // our turnover runs into it
        Assert.Null(room);
        Assert.Equal(RefusalReason.Turnover, refusal?.Reason);
    }

    [Fact]
    public void A_room_out_of_service_is_skipped_for_a_room_in_service()
    {
        var broken = Room("a-broken", Table) with { OutOfService = [new OutOfServicePeriod(Span(Monday, "09:00", "17:00"), "flood")] };
        var clinic = Clinic(rooms: [broken, Room("b-ok", Table)]);
        Assert.Equal("b-ok", Choose(clinic, Span(Monday, "10:00", "11:00")).Room?.Id);
    }

    [Fact]
    public void Moving_an_appointment_may_keep_its_own_room()
    {
        var id = Guid.NewGuid();
        var clinic = Clinic(rooms: [Room("r1", Table)]);
        var self = RoomBooking("r1", Span(Monday, "10:00", "11:00"), Duration.Zero, id);
        Assert.Equal("r1", Choose(clinic, Span(Monday, "10:30", "11:30"), null, id, self).Room?.Id);
        Assert.Null(Choose(clinic, Span(Monday, "10:30", "11:30"), null, null, self).Room);
    }
}
