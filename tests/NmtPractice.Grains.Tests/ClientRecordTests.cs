using NmtPractice.Domain.Records;
using NmtPractice.Grains.Records;
using NmtPractice.Persistence.Records;
using Npgsql;

namespace NmtPractice.Grains.Tests;

/// <summary>The client record grain's rules per role, with the caller set in <see cref="CallerContext"/> as the gateway sets it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClientRecordTests(ClusterFixture fixture)
{
    private static NoteContent Content(int? before = 7, int? after = 4) =>
        new("neck and shoulder pain", ["tingling"], before, after, [new TriggerPoint("upper trapezius", "left", "mid-belly", "temple")],
            "ischaemic compression", 30, ["t-bar"], "pain rose, then eased", "stretch twice daily");

    private sealed record Setup(GrainChain Chain, Clinic Clinic, Clinic Other, Therapist T1, Therapist T2, Client Client, AppointmentRecord Appointment)
    {
        public Caller Therapist1 => new("user-" + T1.Id, Role.Therapist, [Clinic.Id], T1.Id, "10.0.0.1:4000");
        public Caller Therapist2 => new("user-" + T2.Id, Role.Therapist, [Clinic.Id], T2.Id, "10.0.0.2:4000");
        public Caller FrontDesk => new("fd-" + Clinic.Id, Role.FrontDesk, [Clinic.Id], null, "10.0.0.3:4000");
        public Caller OtherFrontDesk => new("fd-" + Other.Id, Role.FrontDesk, [Other.Id], null, "10.0.0.4:4000");
        public Caller Manager => new("mgr-" + Clinic.Id, Role.ClinicManager, [Clinic.Id], null, "10.0.0.5:4000");
        public Caller Admin => new("admin-" + Clinic.Id, Role.ChainAdmin, [], null, "10.0.0.6:4000");
        public IClientRecordGrain Record => Chain.Grains.GetGrain<IClientRecordGrain>(GrainKeys.Client(Client.Id));
    }

    private async Task<Setup> Arrange()
    {
        CallerContext.Clear();
        var chain = new GrainChain(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);
        var clinic = await chain.Clinic("a");
        var other = await chain.Clinic("b");
        var t1 = await chain.Therapist("t1", clinic.Id);
        var t2 = await chain.Therapist("t2", clinic.Id);
        var client = await chain.Client("c");
        var booked = await chain.Book(clinic.Id, t1.Id, client.Id, GrainChain.At(GrainChain.FutureDate(), 10));
        Assert.True(booked.IsOk, booked.Refusal?.Message);
        return new Setup(chain, clinic, other, t1, t2, client, booked.Value!);
    }

    private async Task<IReadOnlyList<AuditRow>> AuditOf(string clientId)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        return await new AuditLog(dataSource).QueryAsync(new AuditQuery(ClientId: clientId), 500);
    }

    [Fact]
    public async Task The_treating_therapist_writes_signs_and_amends_a_note_that_is_never_overwritten()
    {
        var s = await Arrange();
        CallerContext.Set(s.Therapist1);

        Assert.True((await s.Record.UpdateIntake(new IntakeUpdate("desk job, RSI 2024", ["recent-surgery"], null, null))).IsOk);
        var draft = (await s.Record.CreateNote(s.Appointment.Id, Content(after: null))).Value!;
        Assert.Equal((1, NoteStatus.Draft), (draft.Version, draft.Status));
        Assert.True((await s.Record.UpdateDraft(draft.NoteId, Content(after: 5))).IsOk);
        var signed = await s.Record.SignNote(draft.NoteId);
        Assert.True(signed.IsOk, signed.Refusal?.Message);

        Assert.Equal(RefusalReason.InvalidTransition, (await s.Record.UpdateDraft(draft.NoteId, Content(after: 1))).Refusal?.Reason);
        var amended = await s.Record.AmendNote(draft.NoteId, Content(after: 3), "pain after re-measured at the door");
        Assert.True(amended.IsOk, amended.Refusal?.Message);
        Assert.Equal((2, 1), (amended.Value!.Version, amended.Value.AmendedFrom));
        Assert.Equal(5, (await s.Record.GetNote(draft.NoteId, 1)).Value!.Content.PainAfter);
        Assert.Equal(3, (await s.Record.GetNote(draft.NoteId, null)).Value!.Content.PainAfter);
        var progress = (await s.Record.GetProgress()).Value!;
        Assert.Equal((7, 3), (progress.Single().PainBefore, progress.Single().PainAfter));
        var record = (await s.Record.GetRecord()).Value!;
        Assert.True(record.Clinical && record.ContraindicationFlag);
        Assert.Equal(["recent-surgery"], record.Intake!.Contraindications);

        var rows = await AuditOf(s.Client.Id);
        Assert.Equal(
            ["intake.update", "note.create", "note.update", "note.sign", "note.update", "note.amend", "note.read", "note.read", "progress.read", "record.read"],
            rows.Where(r => r.Entry.ActorSubject == s.Therapist1.Subject).Select(r => r.Entry.Action));
        Assert.All(rows.Where(r => r.Entry.ActorSubject == s.Therapist1.Subject), r => Assert.Equal(("therapist", "10.0.0.1:4000"), (r.Entry.ActorRole, r.Entry.Source)));
        Assert.Contains(rows, r => r.Entry is { Action: "note.update", Outcome: AuditOutcomes.Refused });
    }

    [Fact]
    public async Task Roles_see_only_what_their_role_and_scope_allow_and_refusals_are_audited()
    {
        var s = await Arrange();
        CallerContext.Set(s.Therapist1);
        await s.Record.UpdateIntake(new IntakeUpdate("", ["pregnancy"], null, null));
        var note = (await s.Record.CreateNote(s.Appointment.Id, Content())).Value!;

        CallerContext.Set(s.Therapist2);
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.GetRecord()).Refusal?.Reason);
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.GetNote(note.NoteId, null)).Refusal?.Reason);

        CallerContext.Set(s.FrontDesk);
        var summary = (await s.Record.GetRecord()).Value!;
        Assert.Equal((false, true, null, 0), (summary.Clinical, summary.ContraindicationFlag, summary.Intake, summary.Notes.Count));
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.ListNotes()).Refusal?.Reason);
        Assert.True((await s.Record.RecordConsent("treatment")).IsOk);

        CallerContext.Set(s.OtherFrontDesk);
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.GetRecord()).Refusal?.Reason);

        CallerContext.Set(s.Manager);
        Assert.True((await s.Record.GetRecord()).IsOk);
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.GetNote(note.NoteId, null)).Refusal?.Reason);
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.RecordConsent("photos")).Refusal?.Reason);
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.Erase()).Refusal?.Reason);

        CallerContext.Set(s.Admin);
        Assert.Single((await s.Record.GetRecord()).Value!.Consents);
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.GetProgress()).Refusal?.Reason);

        CallerContext.Clear();
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.GetRecord()).Refusal?.Reason);

        var denied = (await AuditOf(s.Client.Id)).Where(r => r.Entry.Outcome == AuditOutcomes.Denied).Select(r => (r.Entry.ActorRole, r.Entry.Action)).ToList();
        Assert.Equal(
            [("therapist", "record.read"), ("therapist", "note.read"), ("front-desk", "note.list"), ("front-desk", "record.read"), ("clinic-manager", "note.read"),
             ("clinic-manager", "consent.record"), ("clinic-manager", "client.erase"), ("chain-admin", "progress.read"), ("system", "record.read")],
            denied);
    }

    [Fact]
    public async Task A_note_needs_an_appointment_of_this_client_with_the_calling_therapist()
    {
        var s = await Arrange();
        var otherClient = await s.Chain.Client("d");
        var theirs = (await s.Chain.Book(s.Clinic.Id, s.T1.Id, otherClient.Id, GrainChain.At(GrainChain.FutureDate(), 12))).Value!;
        var withT2 = (await s.Chain.Book(s.Clinic.Id, s.T2.Id, s.Client.Id, GrainChain.At(GrainChain.FutureDate(), 14))).Value!;
        CallerContext.Set(s.Therapist1);

        var wrongClient = (await s.Record.CreateNote(theirs.Id, Content())).Refusal!;
        Assert.Equal((RefusalReason.InvalidArgument, "appointment_id"), (wrongClient.Reason, wrongClient.Field));
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.CreateNote(withT2.Id, Content())).Refusal?.Reason);
        Assert.Equal(RefusalReason.NotFound, (await s.Record.CreateNote(Guid.NewGuid(), Content())).Refusal?.Reason);
        Assert.Equal("pain_before", (await s.Record.CreateNote(s.Appointment.Id, Content(before: 11))).Refusal?.Field);
        var note = (await s.Record.CreateNote(s.Appointment.Id, Content())).Value!;
        Assert.Equal(RefusalReason.AlreadyExists, (await s.Record.CreateNote(s.Appointment.Id, Content())).Refusal?.Reason);

        CallerContext.Set(s.Therapist2);
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.SignNote(note.NoteId)).Refusal?.Reason);
    }

    [Fact]
    public async Task Booking_changes_are_audited_with_the_caller()
    {
        var s = await Arrange();
        CallerContext.Set(s.FrontDesk);
        var date = GrainChain.FutureDate(21);
        var held = (await s.Chain.Book(s.Clinic.Id, s.T1.Id, s.Client.Id, GrainChain.At(date, 9), holdFor: Duration.FromMinutes(10))).Value!;
        Assert.True((await s.Chain.Appointment(held.Id).Confirm()).IsOk);
        Assert.True((await s.Chain.Appointment(held.Id).Reschedule(new RescheduleRequest(GrainChain.At(date, 15)))).IsOk);
        Assert.True((await s.Chain.Appointment(held.Id).Cancel("client asked")).IsOk);

        var rows = (await AuditOf(s.Client.Id)).Where(r => r.Entry.AppointmentId == held.Id).ToList();
        Assert.Equal(["booking.hold", "booking.confirm", "booking.reschedule", "booking.cancel"], rows.Select(r => r.Entry.Action));
        Assert.All(rows, r => Assert.Equal((s.FrontDesk.Subject, "front-desk", s.Clinic.Id, "10.0.0.3:4000"), (r.Entry.ActorSubject, r.Entry.ActorRole, r.Entry.ClinicId, r.Entry.Source)));
    }

    [Fact]
    public async Task Erasure_removes_the_client_and_leaves_a_tombstone()
    {
        var s = await Arrange();
        CallerContext.Set(s.Therapist1);
        await s.Record.UpdateIntake(new IntakeUpdate("history", [], null, null));
        await s.Record.CreateNote(s.Appointment.Id, Content());

        CallerContext.Set(s.Admin);
        Assert.Equal(RefusalReason.ActiveAppointments, (await s.Record.Erase()).Refusal?.Reason);
        Assert.True((await s.Chain.Appointment(s.Appointment.Id).Cancel("erasure requested")).IsOk);
        var report = await s.Record.Erase();
        Assert.True(report.IsOk, report.Refusal?.Message);
        Assert.Equal((1, true, 1), (report.Value!.NotesDeleted, report.Value.IntakeDeleted, report.Value.AppointmentsAnonymised));

        var clientGrain = fixture.Grains.GetGrain<IClientGrain>(GrainKeys.Client(s.Client.Id));
        Assert.Null(await clientGrain.Get());
        Assert.Equal(RefusalReason.Erased, (await clientGrain.Register(s.Client)).Refusal?.Reason);
        Assert.Equal(RefusalReason.Erased, (await s.Record.GetRecord()).Refusal?.Reason);
        Assert.Equal(RefusalReason.Erased, (await s.Record.Erase()).Refusal?.Reason);
        Assert.Equal(RefusalReason.NotFound, (await s.Chain.Book(s.Clinic.Id, s.T1.Id, s.Client.Id, GrainChain.At(GrainChain.FutureDate(), 16))).Refusal?.Reason);
        CallerContext.Set(s.Therapist1);
        Assert.Equal(RefusalReason.NotAllowed, (await s.Record.GetRecord()).Refusal?.Reason);
        var stored = await fixture.Ledger.GetAsync(s.Appointment.Id);
        Assert.StartsWith("erased-", stored!.ClientId, StringComparison.Ordinal);
        var trail = await AuditOf(s.Client.Id);
        Assert.Equal("client.register", trail[0].Entry.Action);
        Assert.Contains(trail, r => r.Entry is { Action: "client.erase", Outcome: AuditOutcomes.Ok, ActorRole: "chain-admin" });
    }

    [Fact]
    public void The_access_policy_per_role()
    {
        var therapist = new Caller("t", Role.Therapist, ["k"], "t1", null);
        Assert.Equal(RecordAccessLevel.Clinical, RecordAccess.Level(therapist, treatsClient: true, visitedCallersClinic: true));
        Assert.Equal(RecordAccessLevel.None, RecordAccess.Level(therapist, treatsClient: false, visitedCallersClinic: true));
        Assert.Equal(RecordAccessLevel.Summary, RecordAccess.Level(new Caller("f", Role.FrontDesk, ["k"], null, null), false, true));
        Assert.Equal(RecordAccessLevel.None, RecordAccess.Level(new Caller("m", Role.ClinicManager, ["k"], null, null), false, false));
        Assert.Equal(RecordAccessLevel.Summary, RecordAccess.Level(Caller.System, false, false));
        Assert.Equal(RecordAccessLevel.None, RecordAccess.Level(null, true, true));
        Assert.False(RecordAccess.MayErase(new Caller("m", Role.ClinicManager, ["k"], null, null)));
    }
}
