using static NmtPractice.Domain.Tests.TestData;

namespace NmtPractice.Domain.Tests;

public class StrandingTests
{
    private static readonly Clinic C1 = Clinic();
    private static readonly IReadOnlyDictionary<string, Clinic> Clinics = new Dictionary<string, Clinic> { ["c1"] = C1 };

    internal static AppointmentRecord Appointment(string therapistId, Interval treatment, string clinicId = "c1", string roomId = "r1",
        AppointmentStatus status = AppointmentStatus.Booked, string clientId = "k1", string serviceId = "nmt-60", Guid? id = null) =>
        new(id ?? Guid.NewGuid(), Guid.NewGuid().ToString(), clinicId, therapistId, roomId, clientId, serviceId,
            treatment.Start, treatment.End, treatment.End + Duration.FromMinutes(15), status, null, null, false, Now, Now, 1);

    [Fact]
    public void Shortening_a_shift_strands_the_bookings_it_no_longer_covers()
    {
        var before = Therapist();
        var after = Therapist(rosters: [Weekly("c1", MondayToFriday, "09:00", "13:00")]);
        var morning = Appointment("t1", Span(Monday, "10:00", "11:00"));
        var afternoon = Appointment("t1", Span(Monday, "14:00", "15:00"));

        var stranded = Stranding.Find(before, after, Clinics, [afternoon, morning], Now);

        Assert.Equal([afternoon.Id], stranded.Select(a => a.Id));
    }

    [Fact]
    public void Leave_strands_the_bookings_it_overlaps_and_an_extra_shift_keeps_them()
    {
        var before = Therapist();
        var monday = Appointment("t1", Span(Monday, "10:00", "11:00"));
        var tuesday = Appointment("t1", Span(Monday.PlusDays(1), "10:00", "11:00"));
        var onLeave = before with { Exceptions = [Leave(Span(Monday, "00:00", "23:00"))] };

        Assert.Equal([monday.Id], Stranding.Find(before, onLeave, Clinics, [monday, tuesday], Now).Select(a => a.Id));

        var saturday = Appointment("t1", Span(Saturday, "10:00", "11:00"));
        var withExtra = before with { Exceptions = [Extra("c1", Span(Saturday, "09:00", "12:00"))] };
        Assert.Empty(Stranding.Find(withExtra, withExtra with { Exceptions = [.. withExtra.Exceptions, Leave(Span(Monday, "09:00", "10:00"))] }, Clinics, [saturday], Now));
    }

    [Fact]
    public void Cancelled_past_and_other_therapists_bookings_are_never_stranded()
    {
        var before = Therapist();
        var after = Therapist(rosters: []);
        var cancelled = Appointment("t1", Span(Monday, "10:00", "11:00"), status: AppointmentStatus.Cancelled);
        var started = Appointment("t1", Span(Monday, "09:00", "10:00"));
        var someoneElse = Appointment("t2", Span(Monday, "11:00", "12:00"));
        var booked = Appointment("t1", Span(Monday, "12:00", "13:00"));

        var stranded = Stranding.Find(before, after, Clinics, [cancelled, started, someoneElse, booked], At(Monday, "09:30"));

        Assert.Equal([booked.Id], stranded.Select(a => a.Id));
    }

    [Fact]
    public void A_booking_the_old_roster_did_not_cover_is_not_blamed_on_the_change()
    {
        var before = Therapist(rosters: [Weekly("c1", MondayToFriday, "09:00", "12:00")]);
        var after = Therapist(rosters: [Weekly("c1", MondayToFriday, "09:00", "11:00")]);
        var outsideAlready = Appointment("t1", Span(Monday, "14:00", "15:00"));
        var strandedNow = Appointment("t1", Span(Monday, "11:00", "12:00"));

        Assert.Equal([strandedNow.Id], Stranding.Find(before, after, Clinics, [outsideAlready, strandedNow], Now).Select(a => a.Id));
    }
}

public class CoverPlannerTests
{
    private static readonly Clinic C1 = Clinic("c1");
    private static readonly Clinic C2 = Clinic("c2", rooms: [Room("x1", Table)]);
    private static readonly Clinic Far = Clinic("far");

    private static CoverContext Context(
        IReadOnlyList<Therapist> candidates,
        IReadOnlyDictionary<string, IReadOnlyList<TherapistBooking>>? therapistBookings = null,
        IReadOnlyDictionary<string, IReadOnlyList<RoomBooking>>? rooms = null,
        TravelMatrix? travel = null) =>
        new(
            new Dictionary<string, Clinic> { ["c1"] = C1, ["c2"] = C2, ["far"] = Far },
            candidates,
            (therapistId, _) => therapistBookings?.GetValueOrDefault(therapistId) ?? [],
            (clinicId, _) => rooms?.GetValueOrDefault(clinicId) ?? [],
            travel ?? Travel(60, new TravelTime("c1", "c2", Duration.FromMinutes(20))),
            CoverContext.DefaultReach,
            Now);

    private static Therapist Other(string id, string clinicId = "c1", IReadOnlyList<Qualification>? qualifications = null, IReadOnlyList<RosterException>? exceptions = null) =>
        Therapist(id, [Weekly(clinicId, MondayToFriday, "09:00", "17:00")], qualifications, exceptions);

    private static AppointmentRecord Sick(string start = "10:00", string end = "11:00", string roomId = "r1", string clientId = "k1") =>
        StrandingTests.Appointment("t1", Span(Monday, start, end), roomId: roomId, clientId: clientId);

    [Fact]
    public void Cover_takes_a_qualified_free_therapist_at_the_same_clinic_and_keeps_the_room()
    {
        var a = Sick();
        var proposal = Assert.Single(CoverPlanner.Propose([a], Context([Other("t2")])));

        Assert.Equal(CoverKind.SameClinic, proposal.Kind);
        Assert.Equal(("c1", "t2", "r1"), (proposal.ClinicId, proposal.TherapistId, proposal.RoomId));
        Assert.Equal((a.Start, a.End), (proposal.Start, proposal.End));
    }

    [Fact]
    public void Cover_never_proposes_an_unqualified_expired_on_leave_or_busy_therapist()
    {
        var a = Sick();
        var unqualified = Other("a-unqualified", qualifications: []);
        var expired = Other("b-expired", qualifications: [new Qualification(Nmt, Monday.PlusDays(-1))]);
        var onLeave = Other("c-on-leave", exceptions: [Leave(Span(Monday, "00:00", "23:00"))]);
        var busy = Other("d-busy");
        var travelling = Other("e-travelling");
        var notRostered = Therapist("f-not-rostered", [Weekly("c1", MondayToFriday, "13:00", "17:00")]);
        var free = Other("z-free");
        var bookings = new Dictionary<string, IReadOnlyList<TherapistBooking>>
        {
            ["d-busy"] = [TherapistBooking("c1", Span(Monday, "10:30", "11:30"))],
            // Just before, at another clinic 20 minutes away: no time to travel.
            ["e-travelling"] = [TherapistBooking("c2", Span(Monday, "09:00", "09:50"))],
        };

        var proposal = Assert.Single(CoverPlanner.Propose([a], Context([unqualified, expired, onLeave, busy, travelling, notRostered, free], bookings)));

        Assert.Equal("z-free", proposal.TherapistId);
    }

    [Fact]
    public void Two_appointments_at_the_same_time_never_get_the_same_substitute()
    {
        var first = Sick(roomId: "r1", clientId: "k1");
        var second = Sick(roomId: "r2", clientId: "k2");

        var proposals = CoverPlanner.Propose([first, second], Context([Other("t2")]));

        Assert.Equal(CoverKind.SameClinic, proposals[0].Kind);
        Assert.Equal(CoverKind.Uncovered, proposals[1].Kind);
        Assert.False(string.IsNullOrWhiteSpace(proposals[1].Reason));
    }

    [Fact]
    public void Without_anyone_at_the_clinic_cover_moves_to_the_nearest_clinic_in_reach_with_a_room_there()
    {
        var a = Sick();
        var atC2 = Other("t-c2", "c2");
        var atFar = Other("t-far", "far");

        var proposal = Assert.Single(CoverPlanner.Propose([a], Context([atFar, atC2])));

        Assert.Equal(CoverKind.OtherClinic, proposal.Kind);
        Assert.Equal(("c2", "t-c2", "x1"), (proposal.ClinicId, proposal.TherapistId, proposal.RoomId));
    }

    [Fact]
    public void A_clinic_beyond_reach_or_without_a_free_room_does_not_take_over()
    {
        var a = Sick();
        var rooms = new Dictionary<string, IReadOnlyList<RoomBooking>>
        {
            ["c2"] = [RoomBooking("x1", Span(Monday, "09:30", "10:30"), Duration.FromMinutes(15))],
        };

        var proposal = Assert.Single(CoverPlanner.Propose([a], Context([Other("t-c2", "c2"), Other("t-far", "far")], rooms: rooms)));

        Assert.Equal(CoverKind.Uncovered, proposal.Kind);
        Assert.Contains("room is free at clinic c2", proposal.Reason ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void Clinics_in_reach_start_with_the_original_and_skip_those_without_the_service()
    {
        var noNmt = Clinic("c3") with { Services = [Tp30] };
        var clinics = new Dictionary<string, Clinic> { ["c1"] = C1, ["c2"] = C2, ["c3"] = noNmt, ["far"] = Far };
        var travel = Travel(60, new TravelTime("c1", "c2", Duration.FromMinutes(45)), new TravelTime("c1", "c3", Duration.FromMinutes(5)));

        var inReach = CoverPlanner.ClinicsInReach(C1, "nmt-60", clinics, travel, CoverContext.DefaultReach);

        Assert.Equal(["c1", "c2"], inReach.Select(c => c.Id));
    }
}
