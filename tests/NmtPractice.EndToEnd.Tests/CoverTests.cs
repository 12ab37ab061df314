using Google.Rpc;
using NmtPractice.Api.Grpc;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>A manager covers a sick therapist through the gRPC API, on the real server.</summary>
[Collection(ApiCollection.Name)]
public sealed class CoverTests(ApiServerFixture api)
{
    [Fact]
    public async Task Front_desk_reports_a_sickness_reads_the_plan_and_applies_it()
    {
        var chain = new ApiChain(api, "cover-" + Guid.NewGuid().ToString("N")[..6]);
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        var colleague = await chain.CreateTherapistAsync(chain.Id("colleague"));
        var grace = await chain.RegisterClientAsync("grace");
        var harry = await chain.RegisterClientAsync("harry");
        var ivy = await chain.RegisterClientAsync("ivy");
        var date = chain.Date(3);
        var graceAt10 = await Book(chain, grace.ClientId, chain.TherapistId, ApiChain.At(date, 10));
        var harryAt14 = await Book(chain, harry.ClientId, chain.TherapistId, ApiChain.At(date, 14));
        await Book(chain, ivy.ClientId, colleague.TherapistId, ApiChain.At(date, 14));

        // Taking the therapist off the roster would strand both bookings: refused, with the list.
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await api.Staff.SetRostersAsync(
            new SetRostersRequest { RequestId = ApiChain.NewRequestId(), TherapistId = chain.TherapistId }));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        var info = refused.Detail<ErrorInfo>()!;
        Assert.Equal("WOULD_STRAND_BOOKINGS", info.Reason);
        Assert.Equal(new[] { graceAt10.AppointmentId, harryAt14.AppointmentId }.Order(), info.Metadata["appointment_ids"].Split(',').Order());
        Assert.Equal(2, refused.Detail<PreconditionFailure>()!.Violations.Count);

        // Reported sick for the day: grace's session goes to the colleague in the same room, harry's cannot be covered.
        var report = new ReportAbsenceRequest
        {
            RequestId = ApiChain.NewRequestId(), TherapistId = chain.TherapistId, Kind = RosterExceptionKind.Sickness,
            Start = ApiChain.At(date, 0), End = ApiChain.At(date.PlusDays(1), 0), Reason = "flu", ReachMinutes = 0,
        };
        var plan = await api.Staff.ReportAbsenceAsync(report);
        Assert.Equal(plan, await api.Staff.ReportAbsenceAsync(report));
        Assert.Equal(plan, await api.Staff.GetCoverPlanAsync(new GetCoverPlanRequest { PlanId = plan.PlanId }));
        Assert.Equal(2, plan.Items.Count);
        var covered = plan.Items.Single(i => i.AppointmentId == graceAt10.AppointmentId);
        Assert.Equal((CoverItemStatus.Proposed, colleague.TherapistId, chain.ClinicId, graceAt10.RoomId), (covered.Status, covered.NewTherapistId, covered.NewClinicId, covered.NewRoomId));
        var uncovered = plan.Items.Single(i => i.AppointmentId == harryAt14.AppointmentId);
        Assert.Equal((CoverItemStatus.Uncovered, true, "Given harry", "+44 20 7946 0000"), (uncovered.Status, uncovered.ContactClient, uncovered.ClientName, uncovered.ClientPhone));
        Assert.Equal("NO_COVER", uncovered.ReasonCode);

        var apply = new ApplyCoverRequest { RequestId = ApiChain.NewRequestId(), PlanId = plan.PlanId };
        var applied = await api.Staff.ApplyCoverAsync(apply);
        Assert.Equal((1, 1), (applied.Applied, applied.ToContact));
        Assert.Equal(applied, await api.Staff.ApplyCoverAsync(apply));
        var moved = await api.Bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = graceAt10.AppointmentId });
        Assert.Equal((colleague.TherapistId, graceAt10.RoomId, graceAt10.Start), (moved.TherapistId, moved.RoomId, moved.Start));

        // The sick therapist's week shows the day rostered but absent, and what is left to sort out.
        var week = await api.Staff.GetTherapistWeekAsync(new GetTherapistWeekRequest { TherapistId = chain.TherapistId, StartDate = ApiChain.Iso(date) });
        Assert.Equal(7, week.Days.Count);
        var sickDay = Assert.Single(week.Days[0].Clinics);
        Assert.Equal(("00:00", "24:00"), (sickDay.Shifts[0].LocalStart, sickDay.Shifts[0].LocalEnd));
        Assert.Equal(("00:00", "24:00"), (sickDay.Absent[0].LocalStart, sickDay.Absent[0].LocalEnd));
        Assert.Equal([harryAt14.AppointmentId], sickDay.Appointments.Select(a => a.AppointmentId));
        Assert.Equal(RosterExceptionKind.Sickness, Assert.Single(week.Absences).Kind);
        Assert.Empty(week.Days[1].Clinics[0].Absent);

        // The clinic's day: every room, and the therapists with their shifts and appointments.
        var day = await api.Bookings.GetClinicDayViewAsync(new GetClinicDayViewRequest { ClinicId = chain.ClinicId, Date = ApiChain.Iso(date) });
        Assert.Equal(["r1", "r2", "r3"], day.Rooms.Select(r => r.RoomId));
        Assert.Equal(3, day.Rooms.Sum(r => r.Appointments.Count));
        Assert.Equal(("00:00", "24:00"), (day.Open.Single().LocalStart, day.Open.Single().LocalEnd));
        var colleagueDay = day.Therapists.Single(t => t.TherapistId == colleague.TherapistId);
        Assert.Equal(2, colleagueDay.Appointments.Count);
        Assert.NotEmpty(day.Therapists.Single(t => t.TherapistId == chain.TherapistId).Absent);
    }

    [Fact]
    public async Task Cover_calls_refuse_bad_input_with_the_field()
    {
        var invalid = await Assert.ThrowsAsync<RpcException>(async () => await api.Staff.ReportAbsenceAsync(new ReportAbsenceRequest { TherapistId = "t" }));
        Assert.Equal((StatusCode.InvalidArgument, "request_id"), (invalid.StatusCode, invalid.ViolatedFields().Single()));
        var kind = await Assert.ThrowsAsync<RpcException>(async () => await api.Staff.ReportAbsenceAsync(new ReportAbsenceRequest
        {
            RequestId = "r", TherapistId = "t", Kind = RosterExceptionKind.ExtraShift, Start = ApiChain.At(new LocalDate(2030, 1, 1), 9), End = ApiChain.At(new LocalDate(2030, 1, 1), 10),
        }));
        Assert.Equal("kind", kind.ViolatedFields().Single());
        var unknownTherapist = await Assert.ThrowsAsync<RpcException>(async () => await api.Staff.ReportAbsenceAsync(new ReportAbsenceRequest
        {
            RequestId = ApiChain.NewRequestId(), TherapistId = "nobody-" + Guid.NewGuid().ToString("N")[..6], Kind = RosterExceptionKind.Leave,
            Start = ApiChain.At(new LocalDate(2030, 1, 1), 9), End = ApiChain.At(new LocalDate(2030, 1, 1), 10),
        }));
        Assert.Equal(StatusCode.NotFound, unknownTherapist.StatusCode);
        var badPlan = await Assert.ThrowsAsync<RpcException>(async () => await api.Staff.ApplyCoverAsync(new ApplyCoverRequest { RequestId = "r", PlanId = "not-a-plan" }));
        Assert.Equal("plan_id", badPlan.ViolatedFields().Single());
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await api.Staff.GetCoverPlanAsync(new GetCoverPlanRequest { PlanId = Guid.NewGuid().ToString() }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var policy = await Assert.ThrowsAsync<RpcException>(async () => await api.Staff.SetRostersAsync(new SetRostersRequest { TherapistId = "t", StrandedPolicy = (StrandedPolicy)9 }));
        Assert.Equal("stranded_policy", policy.ViolatedFields().Single());
        var days = await Assert.ThrowsAsync<RpcException>(async () => await api.Staff.GetTherapistWeekAsync(new GetTherapistWeekRequest { TherapistId = "t", StartDate = "2030-01-01", Days = 40 }));
        Assert.Equal("days", days.ViolatedFields().Single());
        var date = await Assert.ThrowsAsync<RpcException>(async () => await api.Bookings.GetClinicDayViewAsync(new GetClinicDayViewRequest { ClinicId = "c", Date = "01/01/2030" }));
        Assert.Equal("date", date.ViolatedFields().Single());
    }

    private async Task<Appointment> Book(ApiChain chain, string clientId, string therapistId, Timestamp start) =>
        await api.Bookings.BookAsync(new BookRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = clientId,
            TherapistId = therapistId, Start = start,
        });
}
