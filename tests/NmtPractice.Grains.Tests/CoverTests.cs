namespace NmtPractice.Grains.Tests;

/// <summary>
/// Sick cover and stranded rosters on the two-silo cluster. Cover in these tests is kept near (reach 15 min) so that
/// clinics of other tests, 30 minutes away by the chain's default travel time, never take part.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CoverTests(ClusterFixture fixture)
{
    private const int NearReach = 15;

    private GrainChain NewChain() => new(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);

    private ICoverGrain Cover => fixture.Grains.GetGrain<ICoverGrain>(0);

    private ITherapistGrain TherapistGrain(string id) => fixture.Grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(id));

    private static AbsenceReport Sick(Therapist therapist, LocalDate date, int reach = NearReach) =>
        new(Guid.NewGuid().ToString(), therapist.Id, GrainChain.At(date, 0), GrainChain.At(date.PlusDays(1), 0), RosterExceptionKind.Sickness, "flu", reach);

    private async Task<AppointmentRecord> Booked(GrainChain chain, string clinicId, string therapistId, string clientName, Instant start, string? roomId = null)
    {
        var result = await chain.Book(clinicId, therapistId, (await chain.Client(clientName)).Id, start, roomId: roomId);
        Assert.True(result.IsOk, result.Refusal?.Message);
        return result.Value!;
    }

    [Fact]
    public async Task Cover_never_proposes_an_unqualified_busy_or_absent_therapist_and_applying_moves_the_booking()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var date = GrainChain.FutureDate();
        var sick = await chain.Therapist("s", clinic.Id);
        // The obvious candidates come first by id, and each has a reason not to be proposed.
        var busy = await chain.Therapist("a-busy", clinic.Id);
        var unqualified = await chain.Therapist("b-unqualified", clinic.Id);
        Assert.True((await TherapistGrain(unqualified.Id).SetQualifications([])).IsOk);
        var onLeave = await chain.Therapist("c-on-leave", clinic.Id);
        Assert.True((await TherapistGrain(onLeave.Id).AddException(new RosterException("hol", RosterExceptionKind.Leave,
            new Interval(GrainChain.At(date, 0), GrainChain.At(date.PlusDays(1), 0)), null, "holiday"))).IsOk);
        var free = await chain.Therapist("z-free", clinic.Id);
        var appointment = await Booked(chain, clinic.Id, sick.Id, "k1", GrainChain.At(date, 10));
        await Booked(chain, clinic.Id, busy.Id, "k2", GrainChain.At(date, 10, 30));

        var planned = await Cover.ReportAbsence(Sick(sick, date));

        Assert.True(planned.IsOk, planned.Refusal?.Message);
        var item = Assert.Single(planned.Value!.Items);
        Assert.Equal(CoverItemStatus.Proposed, item.Status);
        Assert.Equal((clinic.Id, free.Id, appointment.RoomId), (item.NewClinicId, item.NewTherapistId, item.NewRoomId));
        Assert.Contains((await TherapistGrain(sick.Id).Get())!.Exceptions, e => e.Kind == RosterExceptionKind.Sickness);

        var applied = await fixture.Grains.GetGrain<ICoverPlanGrain>(planned.Value.PlanId).Apply("apply-1", []);

        Assert.True(applied.IsOk, applied.Refusal?.Message);
        Assert.Equal(CoverItemStatus.Applied, Assert.Single(applied.Value!.Items).Status);
        var moved = (await fixture.Ledger.GetAsync(appointment.Id))!;
        Assert.Equal((free.Id, appointment.RoomId, appointment.Start, AppointmentStatus.Booked), (moved.TherapistId, moved.RoomId, moved.Start, moved.Status));
        Assert.Equal(0, await fixture.Oracle.CountOverlapsAsync());
    }

    [Fact]
    public async Task A_substitute_taken_meanwhile_fails_only_that_appointment_and_nothing_is_double_booked()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var date = GrainChain.FutureDate(21);
        var sick = await chain.Therapist("s", clinic.Id);
        var substitute = await chain.Therapist("sub", clinic.Id);
        var morning = await Booked(chain, clinic.Id, sick.Id, "k1", GrainChain.At(date, 10));
        var afternoon = await Booked(chain, clinic.Id, sick.Id, "k2", GrainChain.At(date, 14));
        var plan = (await Cover.ReportAbsence(Sick(sick, date))).Value!;
        Assert.All(plan.Items, i => Assert.Equal(substitute.Id, i.NewTherapistId));

        // Someone books the substitute at 14:00 before the manager applies the plan.
        var taken = await Booked(chain, clinic.Id, substitute.Id, "k3", GrainChain.At(date, 14));
        var planGrain = fixture.Grains.GetGrain<ICoverPlanGrain>(plan.PlanId);
        var outcome = (await planGrain.Apply("apply-all", [])).Value!;

        Assert.Equal(CoverItemStatus.Applied, outcome.Items.Single(i => i.AppointmentId == morning.Id).Status);
        var failed = outcome.Items.Single(i => i.AppointmentId == afternoon.Id);
        Assert.Equal(CoverItemStatus.Failed, failed.Status);
        Assert.Equal("THERAPIST_BUSY", failed.ReasonCode);
        Assert.True(failed.NeedsContact);
        Assert.Equal(sick.Id, (await fixture.Ledger.GetAsync(afternoon.Id))!.TherapistId);
        Assert.Equal(substitute.Id, (await fixture.Ledger.GetAsync(taken.Id))!.TherapistId);
        Assert.Equal(substitute.Id, (await fixture.Ledger.GetAsync(morning.Id))!.TherapistId);
        Assert.Equal(0, await fixture.Oracle.CountOverlapsAsync());

        // The same request again returns the first outcome; the plan remembers each item's status.
        Assert.Equal(outcome.Items, (await planGrain.Apply("apply-all", [])).Value!.Items);
        Assert.Equal([CoverItemStatus.Applied, CoverItemStatus.Failed], (await planGrain.Get())!.Items.Select(i => i.Status));
        Assert.Equal(RefusalReason.NotFound, (await planGrain.Apply("apply-unknown", [Guid.NewGuid()])).Refusal?.Reason);
    }

    [Fact]
    public async Task Without_anyone_free_at_the_clinic_cover_moves_to_a_clinic_in_reach_with_its_room()
    {
        var chain = NewChain();
        var near = await chain.Clinic("a");
        var other = await chain.Clinic("b", rooms: 1);
        var date = GrainChain.FutureDate(22);
        var chainGrain = fixture.Grains.GetGrain<IChainGrain>(GrainKeys.Chain);
        var travel = await chainGrain.GetTravel();
        Assert.True((await chainGrain.SetTravel(travel with
        {
            Pairs = [.. travel.Pairs, new TravelTime(near.Id, other.Id, Duration.FromMinutes(10))],
        })).IsOk);
        var sick = await chain.Therapist("s", near.Id);
        var there = await chain.Therapist("o", other.Id);
        var appointment = await Booked(chain, near.Id, sick.Id, "k1", GrainChain.At(date, 11));

        var plan = (await Cover.ReportAbsence(Sick(sick, date))).Value!;

        var item = Assert.Single(plan.Items);
        Assert.Equal((other.Id, there.Id, "r1"), (item.NewClinicId, item.NewTherapistId, item.NewRoomId));
        var outcome = (await fixture.Grains.GetGrain<ICoverPlanGrain>(plan.PlanId).Apply("go", [appointment.Id])).Value!;
        Assert.Equal(CoverItemStatus.Applied, Assert.Single(outcome.Items).Status);
        var moved = (await fixture.Ledger.GetAsync(appointment.Id))!;
        Assert.Equal((other.Id, there.Id, "r1", appointment.Start), (moved.ClinicId, moved.TherapistId, moved.RoomId, moved.Start));
        // The calendars know: the old room is free again, the new one taken.
        var oldDay = await fixture.Grains.GetGrain<IClinicDayGrain>(GrainKeys.ClinicDay(near.Id, date)).GetBookings();
        var newDay = await fixture.Grains.GetGrain<IClinicDayGrain>(GrainKeys.ClinicDay(other.Id, date)).GetBookings();
        Assert.DoesNotContain(oldDay, b => b.AppointmentId == appointment.Id);
        Assert.Contains(newDay, b => b.AppointmentId == appointment.Id && b.RoomId == "r1");
        Assert.Equal(0, await fixture.Oracle.CountOverlapsAsync());
    }

    [Fact]
    public async Task What_nobody_can_cover_is_listed_with_the_client_to_contact()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var date = GrainChain.FutureDate(23);
        var sick = await chain.Therapist("s", clinic.Id);
        var appointment = await Booked(chain, clinic.Id, sick.Id, "k1", GrainChain.At(date, 9));
        var report = Sick(sick, date, reach: 0);

        var plan = (await Cover.ReportAbsence(report)).Value!;
        var again = (await Cover.ReportAbsence(report)).Value!;

        var item = Assert.Single(plan.Items);
        Assert.Equal(CoverItemStatus.Uncovered, item.Status);
        Assert.Equal((appointment.ClientId, "Given k1", "+44 20 7946 0000"), (item.ClientId, item.ClientName, item.ClientPhone));
        Assert.False(string.IsNullOrWhiteSpace(item.Reason));
        Assert.Equal(plan.PlanId, again.PlanId);
        Assert.Single((await TherapistGrain(sick.Id).Get())!.Exceptions);
        Assert.Equal(sick.Id, (await fixture.Ledger.GetAsync(appointment.Id))!.TherapistId);
    }

    [Fact]
    public async Task A_roster_change_that_strands_bookings_is_refused_with_the_list_and_changes_nothing()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var date = GrainChain.FutureDate(24);
        var therapist = await chain.Therapist("s", clinic.Id);
        var morning = await Booked(chain, clinic.Id, therapist.Id, "k1", GrainChain.At(date, 9));
        var evening = await Booked(chain, clinic.Id, therapist.Id, "k2", GrainChain.At(date, 18));
        var afternoonsOnly = AfternoonsOnly(clinic.Id);

        var refused = await TherapistGrain(therapist.Id).SetRosters(afternoonsOnly);
        var leave = await TherapistGrain(therapist.Id).AddException(new RosterException("l1", RosterExceptionKind.Leave,
            new Interval(GrainChain.At(date, 17), GrainChain.At(date, 20)), null, "dentist"));

        Assert.Equal(RefusalReason.WouldStrandBookings, refused.Refusal?.Reason);
        Assert.Equal("WOULD_STRAND_BOOKINGS", refused.Refusal!.Code);
        Assert.Equal([morning.Id], refused.Refusal.Appointments);
        Assert.Equal([evening.Id], leave.Refusal?.Appointments);
        var stored = (await TherapistGrain(therapist.Id).Get())!;
        Assert.Equal(therapist.Rosters[0].Shifts, stored.Rosters[0].Shifts);
        Assert.Empty(stored.Exceptions);
        // A change that strands nothing goes through.
        Assert.True((await TherapistGrain(therapist.Id).AddException(new RosterException("l2", RosterExceptionKind.Leave,
            new Interval(GrainChain.At(date, 12), GrainChain.At(date, 13)), null, "lunch"))).IsOk);
    }

    [Fact]
    public async Task The_cancel_policy_makes_the_change_and_cancels_what_it_strands()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var date = GrainChain.FutureDate(25);
        var therapist = await chain.Therapist("s", clinic.Id);
        var morning = await Booked(chain, clinic.Id, therapist.Id, "k1", GrainChain.At(date, 9));

        var change = await Cover.SetRosters(Guid.NewGuid().ToString(), therapist.Id, AfternoonsOnly(clinic.Id), StrandedPolicy.Cancel);

        Assert.True(change.IsOk, change.Refusal?.Message);
        Assert.Equal([morning.Id], change.Value!.Cancelled.Select(a => a.Id));
        var stored = (await fixture.Ledger.GetAsync(morning.Id))!;
        Assert.Equal((AppointmentStatus.Cancelled, "roster-change"), (stored.Status, stored.CancelReason));
        Assert.Equal(new LocalTime(12, 0), (await TherapistGrain(therapist.Id).Get())!.Rosters[0].Shifts[0].Hours.Start);
    }

    [Fact]
    public async Task The_cover_policy_makes_the_change_and_returns_a_plan_to_apply()
    {
        var chain = NewChain();
        var clinic = await chain.Clinic("a");
        var date = GrainChain.FutureDate(26);
        var therapist = await chain.Therapist("s", clinic.Id);
        var colleague = await chain.Therapist("t", clinic.Id);
        var morning = await Booked(chain, clinic.Id, therapist.Id, "k1", GrainChain.At(date, 9));
        var leave = new RosterException("l1", RosterExceptionKind.Leave, new Interval(GrainChain.At(date, 8), GrainChain.At(date, 11)), null, "appointment");

        var change = await Cover.AddException(Guid.NewGuid().ToString(), therapist.Id, leave, StrandedPolicy.Cover);

        Assert.True(change.IsOk, change.Refusal?.Message);
        var item = Assert.Single(change.Value!.Plan!.Items);
        Assert.Equal((morning.Id, colleague.Id, CoverItemStatus.Proposed), (item.AppointmentId, item.NewTherapistId, item.Status));
        Assert.Equal(therapist.Id, (await fixture.Ledger.GetAsync(morning.Id))!.TherapistId);
        var stored = await fixture.Grains.GetGrain<ICoverPlanGrain>(change.Value.Plan.PlanId).Get();
        Assert.Equal(change.Value.Plan.Items, stored!.Items);
    }

    private static IReadOnlyList<Roster> AfternoonsOnly(string clinicId) =>
        [new Roster(clinicId, 1, new LocalDate(2026, 1, 5),
            [.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None).Select(d => new RosterShift(0, d, new LocalTimeRange(new LocalTime(12, 0), new LocalTime(20, 0))))])];
}
