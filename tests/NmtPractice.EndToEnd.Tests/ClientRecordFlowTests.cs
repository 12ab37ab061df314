using Google.Rpc;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The clinical record end to end over gRPC: intake, draft, sign, amend, progress, the audit trail of every access,
/// roles refused, and erasure. Each call carries the bearer token of its caller.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ClientRecordFlowTests(ApiServerFixture api)
{
    private Metadata As(string subject, string role, string? clinic = null, string? therapist = null) =>
        new() { { "authorization", "Bearer " + TestTokens.Mint(api.SigningKey, role, clinic is null ? null : [clinic], therapist, subject) } };

    private static NoteContent Content(int before, int? after)
    {
        var content = new NoteContent
        {
            Complaint = "tingling in the right hand, neck pain", Symptoms = { "tingling", "numbness" }, PainBefore = before,
            TriggerPoints = { new TriggerPoint { Muscle = "scalenes", Side = "right", Location = "anterior", ReferredPain = "thumb and index finger" } },
            Technique = "ischaemic compression", PressureSeconds = 30, Tools = { "t-bar" }, ClientResponse = "pain rose, then subsided", Advice = "desk ergonomics",
        };
        if (after is { } a)
        {
            content.PainAfter = a;
        }
        return content;
    }

    [Fact]
    public async Task A_course_of_notes_with_its_audit_trail_and_erasure()
    {
        var chain = new ApiChain(api, "rec" + Guid.NewGuid().ToString("N")[..6]);
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        await chain.CreateTherapistAsync(chain.Id("other-therapist"));
        var client = await chain.RegisterClientAsync("ruth");
        var frontDesk = As(chain.Id("desk"), "front-desk", chain.ClinicId);
        var therapist = As(chain.Id("tess"), "therapist", chain.ClinicId, chain.TherapistId);
        var otherTherapist = As(chain.Id("otto"), "therapist", chain.ClinicId, chain.Id("other-therapist"));
        var manager = As(chain.Id("mia"), "clinic-manager", chain.ClinicId);
        var admin = As(chain.Id("ada"), "chain-admin");
        var appointment = await api.Bookings.BookAsync(new BookRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = client.ClientId,
            TherapistId = chain.TherapistId, Start = ApiChain.At(chain.Date(3), 10),
        });

        var consent = await api.Records.RecordConsentAsync(new RecordConsentRequest { ClientId = client.ClientId, Kind = "treatment" }, frontDesk);
        await api.Records.UpdateIntakeAsync(new UpdateIntakeRequest
        {
            ClientId = client.ClientId, HealthHistory = "carpal tunnel release 2025", Contraindications = { "recent-surgery" },
        }, therapist);
        var draft = await api.Records.CreateNoteAsync(new CreateNoteRequest { ClientId = client.ClientId, AppointmentId = appointment.AppointmentId, Content = Content(7, null) }, therapist);
        Assert.Equal(NoteStatus.Draft, draft.Status);
        await api.Records.UpdateDraftNoteAsync(new UpdateDraftNoteRequest { ClientId = client.ClientId, NoteId = draft.NoteId, Content = Content(7, 4) }, therapist);
        var signed = await api.Records.SignNoteAsync(new SignNoteRequest { ClientId = client.ClientId, NoteId = draft.NoteId }, therapist);
        Assert.Equal((NoteStatus.Signed, chain.TherapistId), (signed.Status, signed.SignedBy));

        var overwrite = await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Records.UpdateDraftNoteAsync(new UpdateDraftNoteRequest { ClientId = client.ClientId, NoteId = draft.NoteId, Content = Content(7, 1) }, therapist));
        Assert.Equal((StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION"), (overwrite.StatusCode, overwrite.Detail<ErrorInfo>()!.Reason));
        var amended = await api.Records.AmendNoteAsync(new AmendNoteRequest
        {
            ClientId = client.ClientId, NoteId = draft.NoteId, Content = Content(7, 3), Reason = "pain after re-measured",
        }, therapist);
        Assert.Equal((2, 1), (amended.Version, amended.AmendedFrom));
        var first = await api.Records.GetNoteAsync(new GetNoteRequest { ClientId = client.ClientId, NoteId = draft.NoteId, Version = 1 }, therapist);
        Assert.Equal(4, first.Content.PainAfter);
        var progress = await api.Records.GetProgressAsync(new GetProgressRequest { ClientId = client.ClientId }, therapist);
        Assert.Equal((7, 3), (progress.Sessions.Single().PainBefore, progress.Sessions.Single().PainAfter));

        var badPain = await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Records.UpdateDraftNoteAsync(new UpdateDraftNoteRequest { ClientId = client.ClientId, NoteId = draft.NoteId, Content = Content(12, 1) }, therapist));
        Assert.Equal((StatusCode.InvalidArgument, "content.pain_before"), (badPain.StatusCode, badPain.ViolatedFields().Single()));

        var desk = await api.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId }, frontDesk);
        Assert.Equal((true, false, null, 0, 1), (desk.ContraindicationFlag, desk.Clinical, desk.Intake, desk.Notes.Count, desk.Consents.Count));
        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Records.GetNoteAsync(new GetNoteRequest { ClientId = client.ClientId, NoteId = draft.NoteId }, otherTherapist));
        // Refused at the gate (not this therapist's client), before the record grain: the gate audits the attempt.
        Assert.Equal((StatusCode.PermissionDenied, "OUT_OF_SCOPE"), (denied.StatusCode, denied.Detail<ErrorInfo>()!.Reason));
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Records.ListNotesAsync(new ListNotesRequest { ClientId = client.ClientId }, manager))).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId }))).StatusCode);

        // The manager reads the audit trail of the client, page by page, in the order things happened: the rows of their
        // clinic (the registration, made without a clinic, is for chain-admins: see the end).
        var entries = new List<AuditEntry>();
        var token = "";
        do
        {
            var page = await api.Audit.QueryAuditAsync(new QueryAuditRequest { ClientId = client.ClientId, PageSize = 4, PageToken = token }, manager);
            entries.AddRange(page.Entries);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        Assert.Equal(
            [
                ("chain-admin", "booking.book", "ok"), ("front-desk", "consent.record", "ok"), ("therapist", "intake.update", "ok"), ("therapist", "note.create", "ok"),
                ("therapist", "note.update", "ok"), ("therapist", "note.sign", "ok"), ("therapist", "note.update", "refused"), ("therapist", "note.amend", "ok"),
                ("therapist", "note.read", "ok"), ("therapist", "progress.read", "ok"), ("front-desk", "record.read", "ok"),
                // Reading a client's audit trail is itself an access of the client's record: one row per page read.
                ("clinic-manager", "audit.query", "ok"), ("clinic-manager", "audit.query", "ok"), ("clinic-manager", "audit.query", "ok"),
            ],
            entries.Select(e => (e.Role, e.Action, e.Outcome)));
        Assert.All(entries, e => Assert.Equal(chain.ClinicId, e.ClinicId));
        Assert.All(entries.Where(e => e.Role != "system"), e => Assert.StartsWith("ipv4:127.0.0.1:", e.Source, StringComparison.Ordinal));
        Assert.Equal(chain.Id("tess"), entries.Single(e => e.Action == "note.sign").Actor);
        Assert.Equal(consent.ConsentId, entries.Single(e => e.Action == "consent.record").TargetId);
        Assert.DoesNotContain(entries, e => e.Detail.Contains("tingling", StringComparison.Ordinal) || e.Detail.Contains("ruth", StringComparison.Ordinal));

        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Audit.QueryAuditAsync(new QueryAuditRequest { ClientId = client.ClientId }, frontDesk))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Audit.QueryAuditAsync(new QueryAuditRequest { ClinicId = "elsewhere" }, manager))).StatusCode);

        // Erasure: refused while an appointment is to come; then the record and contact details go, the appointment stays.
        var early = await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Records.EraseClientAsync(new EraseClientRequest { ClientId = client.ClientId }, admin));
        Assert.Equal((StatusCode.FailedPrecondition, "CLIENT_HAS_ACTIVE_APPOINTMENTS"), (early.StatusCode, early.Detail<ErrorInfo>()!.Reason));
        await api.Bookings.CancelAsync(new CancelRequest { RequestId = ApiChain.NewRequestId(), AppointmentId = appointment.AppointmentId, Reason = "moving away" });
        var erased = await api.Records.EraseClientAsync(new EraseClientRequest { ClientId = client.ClientId }, admin);
        Assert.Equal((2, 1, true, 1), (erased.NotesDeleted, erased.ConsentsDeleted, erased.IntakeDeleted, erased.AppointmentsAnonymised));
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Clients.GetClientAsync(new GetClientRequest { ClientId = client.ClientId }))).StatusCode);
        var again = await Assert.ThrowsAsync<RpcException>(async () => await chain.RegisterClientAsync("ruth"));
        Assert.Equal("CLIENT_ERASED", again.Detail<ErrorInfo>()!.Reason);
        var kept = await api.Bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = appointment.AppointmentId });
        Assert.StartsWith("erased-", kept.ClientId, StringComparison.Ordinal);
        Assert.Equal(AppointmentStatus.Cancelled, kept.Status);
        var tail = await api.Audit.QueryAuditAsync(new QueryAuditRequest { ClientId = client.ClientId, Action = "client.erase" }, admin);
        Assert.Equal([("chain-admin", chain.Id("ada"), "refused"), ("chain-admin", chain.Id("ada"), "ok")], tail.Entries.Select(e => (e.Role, e.Actor, e.Outcome)));
        var all = await api.Audit.QueryAuditAsync(new QueryAuditRequest { ClientId = client.ClientId, PageSize = 500 }, admin);
        // Attempts the gate refused are in the trail too, without a clinic (for chain admins to review).
        Assert.Equal(
            [(chain.Id("otto"), "therapist", "gateway.GetNote", "denied"), (chain.Id("mia"), "clinic-manager", "gateway.ListNotes", "denied")],
            all.Entries.Where(e => e.Action.StartsWith("gateway.", StringComparison.Ordinal)).Select(e => (e.Actor, e.Role, e.Action, e.Outcome)));
        Assert.Equal(("client.register", "chain-admin"), (all.Entries[0].Action, all.Entries[0].Role));
        Assert.True(all.Entries.Count > entries.Count);
    }

    [Fact]
    public async Task Bad_record_requests_are_clear_errors()
    {
        // A therapist with a client of theirs, so that the gate lets the calls through to the input checks.
        var chain = new ApiChain(api, "recbad" + Guid.NewGuid().ToString("N")[..6]);
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        var client = await chain.RegisterClientAsync("bea");
        await api.Bookings.BookAsync(new BookRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = client.ClientId,
            TherapistId = chain.TherapistId, Start = ApiChain.At(chain.Date(3), 10),
        });
        var therapist = As("t", "therapist", chain.ClinicId, chain.TherapistId);
        var badId = await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Records.GetNoteAsync(new GetNoteRequest { ClientId = client.ClientId, NoteId = "not-a-uuid" }, therapist));
        Assert.Equal((StatusCode.InvalidArgument, "note_id"), (badId.StatusCode, badId.ViolatedFields().Single()));
        var badSide = await Assert.ThrowsAsync<RpcException>(async () => await api.Records.CreateNoteAsync(new CreateNoteRequest
        {
            ClientId = client.ClientId, AppointmentId = Guid.NewGuid().ToString(),
            Content = new NoteContent { Complaint = "x", TriggerPoints = { new TriggerPoint { Muscle = "m", Side = "up" } } },
        }, therapist));
        Assert.Equal("content.trigger_points[0].side", badSide.ViolatedFields().Single());
        var badToken = await Assert.ThrowsAsync<RpcException>(async () =>
            await api.Audit.QueryAuditAsync(new QueryAuditRequest { PageToken = "%%%" }, As("a", "chain-admin")));
        Assert.Equal((StatusCode.InvalidArgument, "page_token"), (badToken.StatusCode, badToken.ViolatedFields().Single()));
    }
}
