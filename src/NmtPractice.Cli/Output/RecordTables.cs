namespace NmtPractice.Cli.Output;

/// <summary>Readable renderings of clinical records and the audit trail. Instants are shown in UTC (records are chain-wide) with the zone named.</summary>
public static class RecordTables
{
    private static string When(Timestamp? t) => Times.Unambiguous(t, DateTimeZone.Utc);

    private static Grid Fields(params (string Name, string Value)[] fields)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var (name, value) in fields)
        {
            grid.AddRow(new Markup($"[grey]{Markup.Escape(name)}[/]"), new Text(value));
        }
        return grid;
    }

    private static Table New(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in headers)
        {
            table.AddColumn(new TableColumn(new Markup($"[bold]{Markup.Escape(h)}[/]")));
        }
        return table;
    }

    private static void Row(Table table, params string[] cells) => table.AddRow([.. cells.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c))]);

    private static string Pain(bool has, int value) => has ? value.ToString(CultureInfo.InvariantCulture) : "";

    private static string Status(NoteStatus status) => status switch
    {
        NoteStatus.Draft => "draft",
        NoteStatus.Signed => "signed",
        _ => "",
    };

    public static void Record(IAnsiConsole console, ClientRecord r)
    {
        console.Write(Fields(("Client", r.ClientId), ("Contraindications", r.ContraindicationFlag ? "YES: check before the session" : "none recorded"),
            ("Clinical view", r.Clinical ? "yes" : "no (your role sees consents and the flag only)")));
        if (r.Intake is { } intake)
        {
            Intake(console, intake);
        }
        Consents(console, r.Consents);
        if (r.Clinical)
        {
            var table = New("Note", "Version", "Session", "Therapist", "Status", "Pain before", "Pain after");
            foreach (var n in r.Notes)
            {
                Row(table, n.NoteId, n.Version.ToString(CultureInfo.InvariantCulture), When(n.SessionStart), n.TherapistId, Status(n.Status),
                    Pain(n.HasPainBefore, n.PainBefore), Pain(n.HasPainAfter, n.PainAfter));
            }
            console.Write(table);
        }
    }

    public static void Intake(IAnsiConsole console, Intake i) => console.Write(Fields(
        ("Health history", i.HealthHistory), ("Contraindications", string.Join(", ", i.Contraindications)), ("Notes", i.ContraindicationNotes),
        ("Medications", i.Medications), ("Updated", $"{When(i.UpdatedAt)} by {i.UpdatedBy}")));

    public static void Consents(IAnsiConsole console, IReadOnlyList<Consent> consents)
    {
        var table = New("Consent", "Kind", "Given", "By", "Withdrawn");
        foreach (var c in consents)
        {
            Row(table, c.ConsentId, c.Kind, When(c.GivenAt), c.RecordedBy, c.WithdrawnAt is null ? "" : $"{When(c.WithdrawnAt)} by {c.WithdrawnBy}");
        }
        console.Write(table);
    }

    public static void Notes(IAnsiConsole console, IReadOnlyList<SessionNote> notes)
    {
        var table = New("Note", "Version", "Session", "Therapist", "Status", "Complaint", "Pain before", "Pain after");
        foreach (var n in notes)
        {
            Row(table, n.NoteId, n.Version.ToString(CultureInfo.InvariantCulture), When(n.SessionStart), n.TherapistId, Status(n.Status), n.Content.Complaint,
                Pain(n.Content.HasPainBefore, n.Content.PainBefore), Pain(n.Content.HasPainAfter, n.Content.PainAfter));
        }
        table.Caption($"{notes.Count} note(s)");
        console.Write(table);
    }

    public static void Note(IAnsiConsole console, SessionNote n)
    {
        var c = n.Content;
        console.Write(Fields(
            ("Note", $"{n.NoteId} version {n.Version}"), ("Status", Status(n.Status) + (n.SignedBy.Length > 0 ? $" by {n.SignedBy}, {When(n.SignedAt)}" : "")),
            ("Amends", n.AmendedFrom > 0 ? $"version {n.AmendedFrom}: {n.AmendReason}" : ""), ("Client", n.ClientId), ("Appointment", n.AppointmentId),
            ("Session", $"{When(n.SessionStart)} at {n.ClinicId} with {n.TherapistId}"), ("Complaint", c.Complaint), ("Symptoms", string.Join(", ", c.Symptoms)),
            ("Pain", $"{Pain(c.HasPainBefore, c.PainBefore)} -> {Pain(c.HasPainAfter, c.PainAfter)}"),
            ("Trigger points", string.Join("; ", c.TriggerPoints.Select(t => $"{t.Muscle} ({t.Side}) {t.Location} {(t.ReferredPain.Length > 0 ? "refers to " + t.ReferredPain : "")}".Trim()))),
            ("Technique", c.Technique + (c.HasPressureSeconds ? $", {c.PressureSeconds} s per point" : "")), ("Tools", string.Join(", ", c.Tools)),
            ("Response", c.ClientResponse), ("Advice", c.Advice)));
    }

    public static void Progress(IAnsiConsole console, ProgressReport report)
    {
        var table = New("Session", "Therapist", "Pain before", "Pain after", "");
        foreach (var p in report.Sessions)
        {
            Row(table, When(p.SessionStart), p.TherapistId, Pain(p.HasPainBefore, p.PainBefore), Pain(p.HasPainAfter, p.PainAfter),
                p.HasPainAfter ? new string('#', p.PainAfter) : "");
        }
        table.Caption($"{report.Sessions.Count} signed session(s) of {report.ClientId}");
        console.Write(table);
    }

    public static void Erasure(IAnsiConsole console, EraseClientResponse e) => console.Write(Fields(
        ("Client", $"{e.ClientId} erased"), ("Notes deleted", e.NotesDeleted.ToString(CultureInfo.InvariantCulture)),
        ("Consents deleted", e.ConsentsDeleted.ToString(CultureInfo.InvariantCulture)), ("Intake deleted", e.IntakeDeleted ? "yes" : "none recorded"),
        ("Appointments kept, anonymised", e.AppointmentsAnonymised.ToString(CultureInfo.InvariantCulture))));

    public static void Audit(IAnsiConsole console, IReadOnlyList<AuditEntry> rows, DateTimeZone zone, bool more)
    {
        var table = New("#", "When", "Actor", "Role", "Clinic", "Action", "Target", "Client", "Outcome", "From");
        foreach (var a in rows)
        {
            Row(table, a.Id.ToString(CultureInfo.InvariantCulture), Times.DayAndTime(a.At, zone), a.Actor, a.Role, a.ClinicId, a.Action,
                a.TargetId.Length > 0 ? $"{a.TargetKind} {a.TargetId}" : a.TargetKind, a.ClientId, a.Outcome, a.Source);
        }
        table.Caption($"{rows.Count} row(s), times in {zone.Id}{(more ? "; more with --limit" : "")}");
        console.Write(table);
    }
}
