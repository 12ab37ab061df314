namespace NmtPractice.Grains.Records;

/// <summary>
/// One client's clinical record: the single writer of its intake, consents and notes (stored in PostgreSQL, read
/// afresh on each call). Every call checks the caller (<see cref="CallerContext.Current"/>) with
/// <see cref="RecordAccess"/> and leaves an audit row: changes in their own transaction, reads and refusals right after.
/// </summary>
public sealed class ClientRecordGrain(ClientRecordStore store, AppointmentLedger ledger, AuditTrail audit, IClock clock)
    : Grain, IClientRecordGrain
{
    private string ClientId => GrainKeys.IdOf(this);

    async Task<Result<ClientRecordView>> IClientRecordGrain.GetRecord()
    {
        const string action = "record.read";
        var (caller, level, refusal) = await Open(action, RecordAccessLevel.Summary);
        if (refusal is not null)
        {
            return refusal;
        }
        var intake = await store.GetIntakeAsync(ClientId);
        var consents = await store.ListConsentsAsync(ClientId);
        IReadOnlyList<NoteSummary> notes = level == RecordAccessLevel.Clinical
            ? (await store.ListLatestNotesAsync(ClientId)).Select(Summary).ToList()
            : [];
        await audit.Write(Entry(action, "record", ClientId, null, null, AuditOutcomes.Ok));
        return Result<ClientRecordView>.Ok(new ClientRecordView(
            ClientId, intake?.HasContraindications ?? false, level == RecordAccessLevel.Clinical,
            level == RecordAccessLevel.Clinical ? intake : null, consents, notes));
    }

    async Task<Result<Intake>> IClientRecordGrain.UpdateIntake(IntakeUpdate update)
    {
        const string action = "intake.update";
        var (caller, _, refusal) = await Open(action, RecordAccessLevel.Clinical);
        if (refusal is not null)
        {
            return refusal;
        }
        var intake = new Intake(ClientId, update.HealthHistory ?? "", update.Contraindications ?? [], Blank(update.ContraindicationNotes),
            Blank(update.Medications), caller!.Subject, clock.GetCurrentInstant());
        if (ClinicalRules.CheckIntake(intake) is { } invalid)
        {
            return await Refuse(action, invalid, "intake", ClientId);
        }
        await store.SaveIntakeAsync(intake, Entry(action, "intake", ClientId, null, null, AuditOutcomes.Ok,
            new { contraindications = intake.Contraindications.Count }));
        return Result<Intake>.Ok(intake);
    }

    async Task<Result<Consent>> IClientRecordGrain.RecordConsent(string kind)
    {
        const string action = "consent.record";
        var (caller, refusal) = await OpenConsents(action, "record consents", null);
        if (refusal is not null)
        {
            return refusal;
        }
        if (ClinicalRules.CheckConsentKind(kind) is { } invalid)
        {
            return await Refuse(action, invalid, "consent", null);
        }
        var consent = new Consent(Guid.NewGuid(), ClientId, kind, clock.GetCurrentInstant(), caller!.Subject, null, null);
        await store.AddConsentAsync(consent, Entry(action, "consent", consent.ConsentId.ToString(), null, null, AuditOutcomes.Ok, new { kind }));
        return Result<Consent>.Ok(consent);
    }

    async Task<Result<Consent>> IClientRecordGrain.WithdrawConsent(Guid consentId)
    {
        const string action = "consent.withdraw";
        var (caller, refusal) = await OpenConsents(action, "withdraw consents", consentId.ToString());
        if (refusal is not null)
        {
            return refusal;
        }
        var now = clock.GetCurrentInstant();
        var consents = await store.ListConsentsAsync(ClientId);
        if (consents.FirstOrDefault(c => c.ConsentId == consentId) is not { } consent)
        {
            return await Refuse(action, Refusal.NotFound("consent_id", $"Client {ClientId} has no consent {consentId}."), "consent", consentId.ToString());
        }
        if (!consent.IsActive)
        {
            return await Refuse(action, new Refusal(RefusalReason.InvalidTransition, $"Consent {consentId} was withdrawn already."), "consent", consentId.ToString());
        }
        if (!await store.WithdrawConsentAsync(ClientId, consentId, caller!.Subject, now, Entry(action, "consent", consentId.ToString(), null, null, AuditOutcomes.Ok)))
        {
            return await Refuse(action, new Refusal(RefusalReason.Concurrency, $"Consent {consentId} changed meanwhile."), "consent", consentId.ToString());
        }
        return Result<Consent>.Ok(consent with { WithdrawnAt = now, WithdrawnBy = caller.Subject });
    }

    async Task<Result<SessionNote>> IClientRecordGrain.CreateNote(Guid appointmentId, NoteContent content)
    {
        const string action = "note.create";
        var (caller, _, refusal) = await Open(action, RecordAccessLevel.Clinical);
        if (refusal is not null)
        {
            return refusal;
        }
        if (appointmentId == Guid.Empty)
        {
            return await Refuse(action, Refusal.Invalid("appointment_id", "appointment_id is required."), "note", null);
        }
        if (await ledger.GetAsync(appointmentId) is not { } appointment)
        {
            return await Refuse(action, Refusal.NotFound("appointment_id", $"Appointment {appointmentId} does not exist."), "note", null, null, appointmentId);
        }
        var check = Validation.First(
            appointment.ClientId != ClientId ? Refusal.Invalid("appointment_id", $"Appointment {appointmentId} is not an appointment of client {ClientId}.") : null,
            appointment.TherapistId != caller!.TherapistId ? NotAllowed($"write the note of appointment {appointmentId}: it is {appointment.TherapistId}'s") : null,
            appointment.Status is AppointmentStatus.Booked or AppointmentStatus.Arrived or AppointmentStatus.Fulfilled
                ? null
                : new Refusal(RefusalReason.InvalidTransition, $"Appointment {appointmentId} is {appointment.Status.ToString().ToLowerInvariant()}: no session to write a note for."),
            ClinicalRules.CheckContent(content));
        if (check is not null)
        {
            return await Refuse(action, check, "note", null, appointment.ClinicId, appointmentId);
        }
        if (await store.FindNoteForAppointmentAsync(appointmentId) is { } existing)
        {
            return await Refuse(action, new Refusal(RefusalReason.AlreadyExists, $"Appointment {appointmentId} has note {existing.NoteId} already.", "appointment_id"),
                "note", existing.NoteId.ToString(), appointment.ClinicId, appointmentId);
        }
        var now = clock.GetCurrentInstant();
        var note = new SessionNote(Guid.NewGuid(), 1, ClientId, appointmentId, appointment.ClinicId, appointment.TherapistId, appointment.Start,
            NoteStatus.Draft, content, now, now, null, null, null, null);
        if (!await store.InsertNoteAsync(note, NoteEntry(action, note)))
        {
            return await Refuse(action, new Refusal(RefusalReason.AlreadyExists, $"Appointment {appointmentId} has a note already.", "appointment_id"),
                "note", null, appointment.ClinicId, appointmentId);
        }
        return Result<SessionNote>.Ok(note);
    }

    async Task<Result<SessionNote>> IClientRecordGrain.UpdateDraft(Guid noteId, NoteContent content)
    {
        const string action = "note.update";
        var (caller, latest, refusal) = await OpenNote(action, noteId);
        if (refusal is not null)
        {
            return refusal;
        }
        if (ClinicalRules.CheckEditDraft(latest!, caller!.TherapistId!, content) is { } invalid)
        {
            return await Refuse(action, invalid, "note", noteId.ToString(), latest!.ClinicId, latest.AppointmentId);
        }
        var updated = latest! with { Content = content, UpdatedAt = clock.GetCurrentInstant() };
        return await store.UpdateDraftAsync(updated, NoteEntry(action, updated))
            ? Result<SessionNote>.Ok(updated)
            : await Refuse(action, new Refusal(RefusalReason.Concurrency, $"Note {noteId} changed meanwhile."), "note", noteId.ToString(), latest.ClinicId, latest.AppointmentId);
    }

    async Task<Result<SessionNote>> IClientRecordGrain.SignNote(Guid noteId)
    {
        const string action = "note.sign";
        var (caller, latest, refusal) = await OpenNote(action, noteId);
        if (refusal is not null)
        {
            return refusal;
        }
        var (signed, invalid) = ClinicalRules.Sign(latest!, caller!.TherapistId!, clock.GetCurrentInstant());
        if (invalid is not null)
        {
            return await Refuse(action, invalid, "note", noteId.ToString(), latest!.ClinicId, latest.AppointmentId);
        }
        return await store.UpdateDraftAsync(signed!, NoteEntry(action, signed!))
            ? Result<SessionNote>.Ok(signed!)
            : await Refuse(action, new Refusal(RefusalReason.Concurrency, $"Note {noteId} changed meanwhile."), "note", noteId.ToString(), latest!.ClinicId, latest.AppointmentId);
    }

    async Task<Result<SessionNote>> IClientRecordGrain.AmendNote(Guid noteId, NoteContent content, string reason)
    {
        const string action = "note.amend";
        var (caller, latest, refusal) = await OpenNote(action, noteId);
        if (refusal is not null)
        {
            return refusal;
        }
        var (amended, invalid) = ClinicalRules.Amend(latest!, caller!.TherapistId!, content, reason ?? "", clock.GetCurrentInstant());
        if (invalid is not null)
        {
            return await Refuse(action, invalid, "note", noteId.ToString(), latest!.ClinicId, latest.AppointmentId);
        }
        return await store.InsertNoteAsync(amended!, NoteEntry(action, amended!))
            ? Result<SessionNote>.Ok(amended!)
            : await Refuse(action, new Refusal(RefusalReason.Concurrency, $"Note {noteId} was amended meanwhile."), "note", noteId.ToString(), latest!.ClinicId, latest.AppointmentId);
    }

    async Task<Result<SessionNote>> IClientRecordGrain.GetNote(Guid noteId, int? version)
    {
        const string action = "note.read";
        var (_, _, refusal) = await Open(action, RecordAccessLevel.Clinical, "note", noteId.ToString());
        if (refusal is not null)
        {
            return refusal;
        }
        if (version is < 1)
        {
            return await Refuse(action, Refusal.Invalid("version", "version is 1 or more (0: the latest)."), "note", noteId.ToString());
        }
        if (await store.GetNoteAsync(ClientId, noteId, version) is not { } note)
        {
            return await Refuse(action, Refusal.NotFound(version is null ? "note_id" : "version",
                $"Client {ClientId} has no note {noteId}{(version is null ? "" : $" version {version}")}."), "note", noteId.ToString());
        }
        await audit.Write(NoteEntry(action, note));
        return Result<SessionNote>.Ok(note);
    }

    async Task<Result<IReadOnlyList<SessionNote>>> IClientRecordGrain.ListNotes()
    {
        const string action = "note.list";
        var (_, _, refusal) = await Open(action, RecordAccessLevel.Clinical);
        if (refusal is not null)
        {
            return refusal;
        }
        var notes = await store.ListLatestNotesAsync(ClientId);
        await audit.Write(Entry(action, "record", ClientId, null, null, AuditOutcomes.Ok, new { notes = notes.Count }));
        return Result<IReadOnlyList<SessionNote>>.Ok(notes);
    }

    async Task<Result<IReadOnlyList<ProgressPoint>>> IClientRecordGrain.GetProgress()
    {
        const string action = "progress.read";
        var (_, _, refusal) = await Open(action, RecordAccessLevel.Clinical);
        if (refusal is not null)
        {
            return refusal;
        }
        var progress = ClinicalRules.Progress(await store.ListLatestNotesAsync(ClientId));
        await audit.Write(Entry(action, "record", ClientId, null, null, AuditOutcomes.Ok, new { sessions = progress.Count }));
        return Result<IReadOnlyList<ProgressPoint>>.Ok(progress);
    }

    async Task<Result<ErasureReport>> IClientRecordGrain.Erase()
    {
        const string action = "client.erase";
        var caller = CallerContext.Current;
        if (!RecordAccess.MayErase(caller))
        {
            return await Refuse(action, NotAllowed("erase clients"), "client", ClientId);
        }
        if (await store.IsErasedAsync(ClientId))
        {
            return await Refuse(action, new Refusal(RefusalReason.Erased, $"Client {ClientId} was erased already.", "client_id"), "client", ClientId);
        }
        var now = clock.GetCurrentInstant();
        var active = await store.CountActiveFromAsync(ClientId, now);
        if (active > 0)
        {
            return await Refuse(action, new Refusal(RefusalReason.ActiveAppointments,
                $"Client {ClientId} has {active} appointment(s) to come; cancel them before erasing the client.", "client_id"), "client", ClientId);
        }
        // The tombstone first: from here on nobody can book, register or read the client; a failure below is retried.
        if (!await GrainFactory.GetGrain<IClientGrain>(GrainKeys.Client(ClientId)).Erase())
        {
            return await Refuse(action, Refusal.NotFound("client_id", $"Client {ClientId} does not exist."), "client", ClientId);
        }
        var result = await store.EraseAsync(ClientId, $"erased-{Guid.NewGuid():N}", now, Entry(action, "client", ClientId, null, null, AuditOutcomes.Ok));
        return Result<ErasureReport>.Ok(new ErasureReport(ClientId, result.Notes, result.Consents, result.Intake, result.Appointments));
    }

    /// <summary>The caller, or the refusal (audited) unless they may <paramref name="what"/> (change consents) of this client.</summary>
    private async Task<(Caller? Caller, Refusal? Refusal)> OpenConsents(string action, string what, string? consentId)
    {
        var (caller, level, refusal) = await Open(action, RecordAccessLevel.Summary);
        if (refusal is null && !RecordAccess.MayChangeConsents(caller, level))
        {
            refusal = await Refuse(action, NotAllowed(what), "consent", consentId);
        }
        return (caller, refusal);
    }

    /// <summary>
    /// The caller and their access level, or the refusal (audited) when they need more than they have, or the client
    /// does not exist (any more).
    /// </summary>
    private async Task<(Caller? Caller, RecordAccessLevel Level, Refusal? Refusal)> Open(
        string action, RecordAccessLevel needed, string targetKind = "record", string? targetId = null)
    {
        var caller = CallerContext.Current;
        targetId ??= ClientId;
        var level = caller is null ? RecordAccessLevel.None : RecordAccess.Level(
            caller,
            caller.Role == Role.Therapist && caller.TherapistId is { } therapistId && await store.HasAppointmentWithAsync(ClientId, therapistId),
            caller.Role is Role.FrontDesk or Role.ClinicManager && caller.ClinicIds.Count > 0 && await store.HasAppointmentAtAsync(ClientId, caller.ClinicIds));
        if (level < needed)
        {
            var what = needed == RecordAccessLevel.Clinical ? "the clinical record" : "the record";
            return (caller, level, await Refuse(action, NotAllowed($"open {what} of client {ClientId}"), targetKind, targetId));
        }
        if (await GrainFactory.GetGrain<IClientGrain>(GrainKeys.Client(ClientId)).Get() is null)
        {
            var missing = await store.IsErasedAsync(ClientId)
                ? new Refusal(RefusalReason.Erased, $"Client {ClientId} was erased on request.", "client_id")
                : Refusal.NotFound("client_id", $"Client {ClientId} does not exist.");
            return (caller, level, await Refuse(action, missing, targetKind, targetId));
        }
        return (caller, level, null);
    }

    /// <summary>Opens a note for a change by its author: clinical access, and the note's latest version.</summary>
    private async Task<(Caller? Caller, SessionNote? Latest, Refusal? Refusal)> OpenNote(string action, Guid noteId)
    {
        var (caller, _, refusal) = await Open(action, RecordAccessLevel.Clinical, "note", noteId.ToString());
        if (refusal is not null)
        {
            return (caller, null, refusal);
        }
        return await store.GetNoteAsync(ClientId, noteId, null) is { } latest
            ? (caller, latest, null)
            : (caller, null, await Refuse(action, Refusal.NotFound("note_id", $"Client {ClientId} has no note {noteId}."), "note", noteId.ToString()));
    }

    private async Task<Refusal> Refuse(string action, Refusal refusal, string targetKind, string? targetId, string? clinicId = null, Guid? appointmentId = null)
    {
        var outcome = refusal.Reason == RefusalReason.NotAllowed ? AuditOutcomes.Denied : AuditOutcomes.Refused;
        await audit.Write(Entry(action, targetKind, targetId, clinicId, appointmentId, outcome, new { code = refusal.Code, field = refusal.Field }));
        return refusal;
    }

    private AuditEntry Entry(string action, string targetKind, string? targetId, string? clinicId, Guid? appointmentId, string outcome, object? detail = null) =>
        AuditEntries.ForCurrentCaller(action, targetKind, targetId, clinicId, ClientId, appointmentId, outcome, detail);

    private AuditEntry NoteEntry(string action, SessionNote note) =>
        Entry(action, "note", note.NoteId.ToString(), note.ClinicId, note.AppointmentId, AuditOutcomes.Ok, new { version = note.Version });

    private static Refusal NotAllowed(string what) => new(RefusalReason.NotAllowed, $"Your role and scope do not allow you to {what}.");

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static NoteSummary Summary(SessionNote n) =>
        new(n.NoteId, n.Version, n.AppointmentId, n.ClinicId, n.TherapistId, n.SessionStart, n.Status, n.Content.PainBefore, n.Content.PainAfter);
}
