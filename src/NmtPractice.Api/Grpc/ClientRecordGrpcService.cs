using Records = NmtPractice.Domain.Records;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// Client clinical records: validates and maps, calls the client record grain (which checks the caller's rights again,
/// reading the caller from <see cref="CallerContext"/> as the <see cref="AuthorizationInterceptor"/> set it, and audits
/// every call), and maps its answer back.
/// </summary>
public sealed class ClientRecordGrpcService(IGrainFactory grains) : ClientRecordService.ClientRecordServiceBase
{
    public override async Task<ClientRecord> GetRecord(GetRecordRequest request, ServerCallContext context)
    {
        var record = Record(request.ClientId);
        var view = (await record.GetRecord()).OrThrow();
        var response = new ClientRecord
        {
            ClientId = view.ClientId,
            ContraindicationFlag = view.ContraindicationFlag,
            Clinical = view.Clinical,
            Intake = view.Intake is { } intake ? MapIntake(intake) : null,
        };
        response.Consents.AddRange(view.Consents.Select(MapConsent));
        response.Notes.AddRange(view.Notes.Select(MapSummary));
        return response;
    }

    public override Task<Intake> UpdateIntake(UpdateIntakeRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClientId, record =>
        {
            WireFormat.Count(request.Contraindications, "contraindications", Records.ClinicalRules.MaxListItems);
            var update = new IntakeUpdate(
                WireFormat.Text(request.HealthHistory, "health_history", Records.ClinicalRules.MaxHistoryLength),
                request.Contraindications.Select(c => c.Trim()).ToList(),
                Optional(request.ContraindicationNotes, "contraindication_notes"),
                Optional(request.Medications, "medications"));
            return record.UpdateIntake(update);
        }, MapIntake);

    public override Task<Consent> RecordConsent(RecordConsentRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClientId, record => record.RecordConsent(WireFormat.Id(request.Kind, "kind")), MapConsent);

    public override Task<Consent> WithdrawConsent(WithdrawConsentRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClientId, record => record.WithdrawConsent(Uuid(request.ConsentId, "consent_id")), MapConsent);

    public override Task<SessionNote> CreateNote(CreateNoteRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClientId, record =>
        {
            var appointmentId = Uuid(request.AppointmentId, "appointment_id");
            return record.CreateNote(appointmentId, MapContent(request.Content));
        }, MapNote);

    public override Task<SessionNote> UpdateDraftNote(UpdateDraftNoteRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClientId, record =>
        {
            var noteId = Uuid(request.NoteId, "note_id");
            return record.UpdateDraft(noteId, MapContent(request.Content));
        }, MapNote);

    public override Task<SessionNote> SignNote(SignNoteRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClientId, record => record.SignNote(Uuid(request.NoteId, "note_id")), MapNote);

    public override Task<SessionNote> AmendNote(AmendNoteRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClientId, record =>
        {
            var noteId = Uuid(request.NoteId, "note_id");
            var reason = WireFormat.RequiredText(request.Reason, "reason");
            return record.AmendNote(noteId, MapContent(request.Content), reason);
        }, MapNote);

    public override async Task<SessionNote> GetNote(GetNoteRequest request, ServerCallContext context)
    {
        var record = Record(request.ClientId);
        var noteId = Uuid(request.NoteId, "note_id");
        if (request.Version < 0)
        {
            ApiErrors.ThrowInvalid("version", "version is 0 (the latest) or a version number.");
        }
        return MapNote((await record.GetNote(noteId, request.Version == 0 ? null : request.Version)).OrThrow());
    }

    public override async Task<ListNotesResponse> ListNotes(ListNotesRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var record = Record(request.ClientId);
        var notes = (await record.ListNotes()).OrThrow();
        var (page, next) = Paging.ByOffset(notes, pageSize, request.PageToken);
        var response = new ListNotesResponse { NextPageToken = next };
        response.Notes.AddRange(page.Select(MapNote));
        return response;
    }

    public override async Task<ProgressReport> GetProgress(GetProgressRequest request, ServerCallContext context)
    {
        var clientId = WireFormat.Id(request.ClientId, "client_id");
        var record = Record(clientId);
        var points = (await record.GetProgress()).OrThrow();
        var report = new ProgressReport { ClientId = clientId };
        report.Sessions.AddRange(points.Select(p =>
        {
            var point = new V1.ProgressPoint
            {
                NoteId = p.NoteId.ToString(),
                AppointmentId = p.AppointmentId.ToString(),
                SessionStart = WireFormat.ToTimestamp(p.SessionStart),
                TherapistId = p.TherapistId,
            };
            if (p.PainBefore is { } before)
            {
                point.PainBefore = before;
            }
            if (p.PainAfter is { } after)
            {
                point.PainAfter = after;
            }
            return point;
        }));
        return report;
    }

    public override async Task<EraseClientResponse> EraseClient(EraseClientRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var record = Record(request.ClientId);
        var report = (await record.Erase()).OrThrow();
        return new EraseClientResponse
        {
            ClientId = report.ClientId,
            NotesDeleted = report.NotesDeleted,
            ConsentsDeleted = report.ConsentsDeleted,
            IntakeDeleted = report.IntakeDeleted,
            AppointmentsAnonymised = report.AppointmentsAnonymised,
        };
    }

    /// <summary>
    /// One change to a client's record: the request id and client id are checked first, then <paramref name="change"/>
    /// checks its own fields and calls the grain; <paramref name="map"/> maps its answer.
    /// </summary>
    private async Task<TWire> Change<T, TWire>(
        string requestId, string clientId, Func<IClientRecordGrain, Task<Result<T>>> change, Func<T, TWire> map)
    {
        WireFormat.RequestId(requestId, required: false);
        var record = Record(clientId);
        return map((await change(record)).OrThrow());
    }

    private IClientRecordGrain Record(string clientId)
    {
        var id = WireFormat.Id(clientId, "client_id");
        return grains.GetGrain<IClientRecordGrain>(GrainKeys.Client(id));
    }

    private static Guid Uuid(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            ApiErrors.ThrowInvalid(field, $"{field} is required.");
        }
        return value.Length <= 64 && Guid.TryParse(value, out var id) && id != Guid.Empty
            ? id
            : throw ApiErrors.ToRpcException(Refusal.Invalid(field, $"{field} is not an id of ours (a UUID)."));
    }

    private static string? Optional(string value, string field) =>
        string.IsNullOrWhiteSpace(value) ? null : WireFormat.Text(value, field);

    /// <summary>The wire content; fields named with their wire path ("content.trigger_points[0].side").</summary>
    private static Records.NoteContent MapContent(NoteContent? c)
    {
        c = WireFormat.Required(c, "content");
        WireFormat.Count(c.Symptoms, "content.symptoms", Records.ClinicalRules.MaxListItems);
        WireFormat.Count(c.Tools, "content.tools", Records.ClinicalRules.MaxListItems);
        WireFormat.Count(c.TriggerPoints, "content.trigger_points", Records.ClinicalRules.MaxTriggerPoints);
        var content = new Records.NoteContent(
            c.Complaint.Trim(),
            c.Symptoms.Select(s => s.Trim()).ToList(),
            c.HasPainBefore ? c.PainBefore : null,
            c.HasPainAfter ? c.PainAfter : null,
            c.TriggerPoints.Select(t => new Records.TriggerPoint(t.Muscle.Trim(), t.Side.Trim().ToLowerInvariant(), Blank(t.Location), Blank(t.ReferredPain))).ToList(),
            Blank(c.Technique),
            c.HasPressureSeconds ? c.PressureSeconds : null,
            c.Tools.Select(s => s.Trim()).ToList(),
            Blank(c.ClientResponse),
            Blank(c.Advice));
        if (Records.ClinicalRules.CheckContent(content) is { } refusal)
        {
            ApiErrors.ThrowRefused(refusal with { Field = WireFormat.Join("content", refusal.Field ?? "") });
        }
        return content;
    }

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Intake MapIntake(Records.Intake i)
    {
        var intake = new Intake
        {
            ClientId = i.ClientId,
            HealthHistory = i.HealthHistory,
            ContraindicationNotes = i.ContraindicationNotes ?? "",
            Medications = i.Medications ?? "",
            UpdatedBy = i.UpdatedBy,
            UpdatedAt = WireFormat.ToTimestamp(i.UpdatedAt),
        };
        intake.Contraindications.AddRange(i.Contraindications);
        return intake;
    }

    private static Consent MapConsent(Records.Consent c) => new()
    {
        ConsentId = c.ConsentId.ToString(),
        ClientId = c.ClientId,
        Kind = c.Kind,
        GivenAt = WireFormat.ToTimestamp(c.GivenAt),
        RecordedBy = c.RecordedBy,
        WithdrawnAt = WireFormat.ToTimestamp(c.WithdrawnAt),
        WithdrawnBy = c.WithdrawnBy ?? "",
    };

    private static NoteStatus MapStatus(Records.NoteStatus status) =>
        status == Records.NoteStatus.Signed ? NoteStatus.Signed : NoteStatus.Draft;

    private static V1.NoteSummary MapSummary(NmtPractice.Grains.Abstractions.Records.NoteSummary s)
    {
        var summary = new V1.NoteSummary
        {
            NoteId = s.NoteId.ToString(),
            Version = s.Version,
            AppointmentId = s.AppointmentId.ToString(),
            ClinicId = s.ClinicId,
            TherapistId = s.TherapistId,
            SessionStart = WireFormat.ToTimestamp(s.SessionStart),
            Status = MapStatus(s.Status),
        };
        if (s.PainBefore is { } before)
        {
            summary.PainBefore = before;
        }
        if (s.PainAfter is { } after)
        {
            summary.PainAfter = after;
        }
        return summary;
    }

    private static SessionNote MapNote(Records.SessionNote n)
    {
        var c = n.Content;
        var content = new NoteContent
        {
            Complaint = c.Complaint,
            Technique = c.Technique ?? "",
            ClientResponse = c.ClientResponse ?? "",
            Advice = c.Advice ?? "",
        };
        content.Symptoms.AddRange(c.Symptoms);
        content.Tools.AddRange(c.Tools);
        content.TriggerPoints.AddRange(c.TriggerPoints.Select(t => new TriggerPoint
        {
            Muscle = t.Muscle,
            Side = t.Side,
            Location = t.Location ?? "",
            ReferredPain = t.ReferredPain ?? "",
        }));
        if (c.PainBefore is { } before)
        {
            content.PainBefore = before;
        }
        if (c.PainAfter is { } after)
        {
            content.PainAfter = after;
        }
        if (c.PressureSeconds is { } seconds)
        {
            content.PressureSeconds = seconds;
        }
        return new SessionNote
        {
            NoteId = n.NoteId.ToString(),
            Version = n.Version,
            ClientId = n.ClientId,
            AppointmentId = n.AppointmentId.ToString(),
            ClinicId = n.ClinicId,
            TherapistId = n.TherapistId,
            SessionStart = WireFormat.ToTimestamp(n.SessionStart),
            Status = MapStatus(n.Status),
            Content = content,
            CreatedAt = WireFormat.ToTimestamp(n.CreatedAt),
            UpdatedAt = WireFormat.ToTimestamp(n.UpdatedAt),
            SignedBy = n.SignedBy ?? "",
            SignedAt = WireFormat.ToTimestamp(n.SignedAt),
            AmendedFrom = n.AmendedFrom ?? 0,
            AmendReason = n.AmendReason ?? "",
        };
    }
}
