namespace NmtPractice.Cli.Commands;

/// <summary>ClientRecordService and AuditService: `records ...` (intake, consents, notes, progress, erase) and `audit`.</summary>
internal static class RecordCommands
{
    public static IEnumerable<Command> Create(App app)
    {
        yield return new Command("records", "Client clinical records: intake, consents, session notes, progress, erasure (every call is audited)")
            .With(Show(app), Intake(app), Consent(app), Withdraw(app), Notes(app), Note(app), NoteCreate(app), NoteUpdate(app), NoteSign(app),
                NoteAmend(app), Progress(app), Erase(app));
        yield return Audit(app);
    }

    private static Argument<string> ClientId() => Opts.Id("client-id", "Client id");

    private static Command Show(App app)
    {
        var client = ClientId();
        var show = new Command("show", "A client's record as your role may see it (consents, contraindication flag; intake and notes for a treating therapist)").With(client);
        show.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var record = await ctx.Records.GetRecordAsync(new GetRecordRequest { ClientId = r.GetValue(client) }, ctx.Call(ct));
            ctx.Print(record, c => RecordTables.Record(c, record));
        }));
        return show;
    }

    private static Command Intake(App app)
    {
        var client = ClientId();
        var history = Opts.Optional("--history", "Health history (replaces the previous one)");
        var contraindications = Opts.Many("--contraindication", "A contraindication code, e.g. recent-surgery, clotting-disorder, pregnancy, other", "code");
        var notes = Opts.Optional("--contraindication-notes", "What the contraindications are (needed for 'other')");
        var medications = Opts.Optional("--medications", "Current medications");
        var requestId = Opts.RequestId();
        var intake = new Command("intake", "Replace a client's intake (therapist)").With(client, history, contraindications, notes, medications, requestId);
        intake.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new UpdateIntakeRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)), ClientId = r.GetValue(client), HealthHistory = r.GetValue(history) ?? "",
                ContraindicationNotes = r.GetValue(notes) ?? "", Medications = r.GetValue(medications) ?? "",
            };
            request.Contraindications.AddRange(r.GetValue(contraindications) ?? []);
            var saved = await ctx.Records.UpdateIntakeAsync(request, ctx.Call(ct));
            ctx.Print(saved, c => RecordTables.Intake(c, saved));
        }));
        return intake;
    }

    private static Command Consent(App app)
    {
        var client = ClientId();
        var kind = Opts.Id("kind", "What the client consents to, e.g. treatment, data-processing");
        var requestId = Opts.RequestId();
        var consent = new Command("consent", "Record a consent the client gave").With(client, kind, requestId);
        consent.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var saved = await ctx.Records.RecordConsentAsync(
                new RecordConsentRequest { RequestId = CliContext.RequestId(r.GetValue(requestId)), ClientId = r.GetValue(client), Kind = r.GetValue(kind) }, ctx.Call(ct));
            ctx.Print(saved, c => RecordTables.Consents(c, [saved]));
        }));
        return consent;
    }

    private static Command Withdraw(App app)
    {
        var client = ClientId();
        var consentId = Opts.Id("consent-id", "The consent to withdraw");
        var requestId = Opts.RequestId();
        var withdraw = new Command("withdraw-consent", "Record that the client withdrew a consent").With(client, consentId, requestId);
        withdraw.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var saved = await ctx.Records.WithdrawConsentAsync(
                new WithdrawConsentRequest { RequestId = CliContext.RequestId(r.GetValue(requestId)), ClientId = r.GetValue(client), ConsentId = r.GetValue(consentId) }, ctx.Call(ct));
            ctx.Print(saved, c => RecordTables.Consents(c, [saved]));
        }));
        return withdraw;
    }

    private static Command Notes(App app)
    {
        var client = ClientId();
        var notes = new Command("notes", "A client's session notes (latest version of each)").With(client);
        notes.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var (all, _) = await Opts.Pages(
                async token => await ctx.Records.ListNotesAsync(new ListNotesRequest { ClientId = r.GetValue(client), PageToken = token, PageSize = 500 }, ctx.Call(ct)),
                p => p.Notes, p => p.NextPageToken);
            ctx.Print(new ListNotesResponse { Notes = { all } }, c => RecordTables.Notes(c, all));
        }));
        return notes;
    }

    private static Command Note(App app)
    {
        var client = ClientId();
        var noteId = Opts.Id("note-id", "Note id");
        var version = Opts.Number("--version", "A version [default: the latest]", "n");
        var note = new Command("note", "Show a session note").With(client, noteId, version);
        note.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var found = await ctx.Records.GetNoteAsync(
                new GetNoteRequest { ClientId = r.GetValue(client), NoteId = r.GetValue(noteId), Version = r.GetValue(version) ?? 0 }, ctx.Call(ct));
            ctx.Print(found, c => RecordTables.Note(c, found));
        }));
        return note;
    }

    /// <summary>The options that make up a note's content.</summary>
    private sealed record ContentOptions(
        Option<string?> Complaint, Option<string[]> Symptoms, Option<int?> PainBefore, Option<int?> PainAfter, Option<string[]> Points,
        Option<string?> Technique, Option<int?> Pressure, Option<string[]> Tools, Option<string?> Response, Option<string?> Advice)
    {
        public static ContentOptions Create() => new(
            Opts.Optional("--complaint", "Presenting complaint"),
            Opts.Many("--symptom", "A symptom, e.g. tingling, numbness", "text"),
            Opts.Number("--pain-before", "Pain score 0-10 before the session", "0-10"),
            Opts.Number("--pain-after", "Pain score 0-10 after the session", "0-10"),
            Opts.Many("--trigger-point", "muscle:side[:location[:referred pain]], side left|right|bilateral", "point"),
            Opts.Optional("--technique", "Technique"),
            Opts.Number("--pressure-seconds", "Pressure per point, seconds", "seconds"),
            Opts.Many("--tool", "A tool used, e.g. t-bar", "tool"),
            Opts.Optional("--response", "The client's response"),
            Opts.Optional("--advice", "Advice given"));

        public Symbol[] All => [Complaint, Symptoms, PainBefore, PainAfter, Points, Technique, Pressure, Tools, Response, Advice];

        public NoteContent Read(ParseResult r)
        {
            var content = new NoteContent
            {
                Complaint = r.GetValue(Complaint) ?? "", Technique = r.GetValue(Technique) ?? "", ClientResponse = r.GetValue(Response) ?? "",
                Advice = r.GetValue(Advice) ?? "",
            };
            content.Symptoms.AddRange(r.GetValue(Symptoms) ?? []);
            content.Tools.AddRange(r.GetValue(Tools) ?? []);
            foreach (var text in r.GetValue(Points) ?? [])
            {
                var parts = text.Split(':');
                if (parts.Length is < 2 or > 4)
                {
                    throw new CliUsageException("--trigger-point", $"'{text}' is not muscle:side[:location[:referred pain]].");
                }
                content.TriggerPoints.Add(new TriggerPoint
                {
                    Muscle = parts[0], Side = parts[1], Location = parts.Length > 2 ? parts[2] : "", ReferredPain = parts.Length > 3 ? parts[3] : "",
                });
            }
            if (r.GetValue(PainBefore) is { } before)
            {
                content.PainBefore = before;
            }
            if (r.GetValue(PainAfter) is { } after)
            {
                content.PainAfter = after;
            }
            if (r.GetValue(Pressure) is { } seconds)
            {
                content.PressureSeconds = seconds;
            }
            return content;
        }
    }

    private static Command NoteCreate(App app)
    {
        var client = ClientId();
        var appointment = Opts.Required("--appointment", "The session's appointment id");
        var content = ContentOptions.Create();
        var requestId = Opts.RequestId();
        var create = new Command("note-create", "Start a draft note for one of your appointments (therapist)").With(client, appointment).With(content.All).With(requestId);
        create.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var note = await ctx.Records.CreateNoteAsync(new CreateNoteRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)), ClientId = r.GetValue(client), AppointmentId = r.GetValue(appointment)!, Content = content.Read(r),
            }, ctx.Call(ct));
            ctx.Print(note, c => RecordTables.Note(c, note));
        }));
        return create;
    }

    private static Command NoteUpdate(App app)
    {
        var client = ClientId();
        var noteId = Opts.Id("note-id", "Note id");
        var content = ContentOptions.Create();
        var requestId = Opts.RequestId();
        var update = new Command("note-update", "Replace a draft note's content (its author)").With(client, noteId).With(content.All).With(requestId);
        update.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var note = await ctx.Records.UpdateDraftNoteAsync(new UpdateDraftNoteRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)), ClientId = r.GetValue(client), NoteId = r.GetValue(noteId), Content = content.Read(r),
            }, ctx.Call(ct));
            ctx.Print(note, c => RecordTables.Note(c, note));
        }));
        return update;
    }

    private static Command NoteSign(App app)
    {
        var client = ClientId();
        var noteId = Opts.Id("note-id", "Note id");
        var requestId = Opts.RequestId();
        var sign = new Command("note-sign", "Sign a draft note (its author); after this it is only amended").With(client, noteId, requestId);
        sign.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var note = await ctx.Records.SignNoteAsync(
                new SignNoteRequest { RequestId = CliContext.RequestId(r.GetValue(requestId)), ClientId = r.GetValue(client), NoteId = r.GetValue(noteId) }, ctx.Call(ct));
            ctx.Print(note, c => RecordTables.Note(c, note));
        }));
        return sign;
    }

    private static Command NoteAmend(App app)
    {
        var client = ClientId();
        var noteId = Opts.Id("note-id", "Note id");
        var reason = Opts.Required("--reason", "Why the note is amended", "text");
        var content = ContentOptions.Create();
        var requestId = Opts.RequestId();
        var amend = new Command("note-amend", "Amend a signed note: a new signed version with the full new content; the old one stays")
            .With(client, noteId, reason).With(content.All).With(requestId);
        amend.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var note = await ctx.Records.AmendNoteAsync(new AmendNoteRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)), ClientId = r.GetValue(client), NoteId = r.GetValue(noteId), Content = content.Read(r),
                Reason = r.GetValue(reason)!,
            }, ctx.Call(ct));
            ctx.Print(note, c => RecordTables.Note(c, note));
        }));
        return amend;
    }

    private static Command Progress(App app)
    {
        var client = ClientId();
        var progress = new Command("progress", "Pain before and after each signed session, oldest first").With(client);
        progress.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var report = await ctx.Records.GetProgressAsync(new GetProgressRequest { ClientId = r.GetValue(client) }, ctx.Call(ct));
            ctx.Print(report, c => RecordTables.Progress(c, report));
        }));
        return progress;
    }

    private static Command Erase(App app)
    {
        var client = ClientId();
        var yes = new Option<bool>("--yes") { Description = "Confirm: the client's personal data and notes are deleted for good" };
        var requestId = Opts.RequestId();
        var erase = new Command("erase", "Erase a client on request (chain-admin): record and contact details deleted, appointments kept anonymised")
            .With(client, yes, requestId);
        erase.SetAction(app.Run(async (ctx, r, ct) =>
        {
            if (!r.GetValue(yes))
            {
                throw new CliUsageException("--yes", "Erasure cannot be undone: add --yes to confirm.");
            }
            var result = await ctx.Records.EraseClientAsync(
                new EraseClientRequest { RequestId = CliContext.RequestId(r.GetValue(requestId)), ClientId = r.GetValue(client) }, ctx.Call(ct));
            ctx.Print(result, c => RecordTables.Erasure(c, result));
        }));
        return erase;
    }

    private static Command Audit(App app)
    {
        var client = Opts.Optional("--client", "Only rows about this client", "id");
        var actor = Opts.Optional("--actor", "Only rows by this subject", "subject");
        var clinic = Opts.Optional("--clinic", "Only rows of this clinic", "id");
        var action = Opts.Optional("--action", "Only this action, e.g. note.sign, booking.cancel, client.erase", "action");
        var from = Opts.Optional("--from", "From this instant (with an offset, or read in --zone / UTC)", "when");
        var to = Opts.Optional("--to", "Before this instant", "when");
        var zone = Opts.Zone();
        var limit = new Option<int>("--limit") { Description = "At most this many rows", DefaultValueFactory = _ => 200, HelpName = "n" };
        var audit = new Command("audit", "The audit trail: who read or changed which record or booking, when, from where (managers, admins)")
            .With(client, actor, clinic, action, from, to, zone, limit);
        audit.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var zoneId = r.GetValue(zone);
            var timeZone = string.IsNullOrWhiteSpace(zoneId) ? DateTimeZone.Utc : Args.Zone(zoneId, "--zone");
            var request = new QueryAuditRequest
            {
                ClientId = r.GetValue(client) ?? "", Actor = r.GetValue(actor) ?? "", ClinicId = r.GetValue(clinic) ?? "", Action = r.GetValue(action) ?? "",
                PageSize = 500,
            };
            if (r.GetValue(from) is { } fromText)
            {
                request.From = Args.Timestamp(Args.Resolve(Args.When(fromText, "--from"), timeZone, "--from"));
            }
            if (r.GetValue(to) is { } toText)
            {
                request.To = Args.Timestamp(Args.Resolve(Args.When(toText, "--to"), timeZone, "--to"));
            }
            var (rows, more) = await Opts.Pages(async token =>
            {
                request.PageToken = token;
                return await ctx.Audit.QueryAuditAsync(request, ctx.Call(ct));
            }, p => p.Entries, p => p.NextPageToken, Math.Max(1, r.GetValue(limit)));
            ctx.Print(new QueryAuditResponse { Entries = { rows } }, c => RecordTables.Audit(c, rows, timeZone, more));
        }));
        return audit;
    }
}
