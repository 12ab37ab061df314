namespace NmtPractice.Cli.Output;

/// <summary>
/// Cover plans and their outcomes (`nmt therapists sick`, `nmt cover show|apply`), and a therapist's week across
/// clinics (`nmt therapist-week`). Times are on each clinic's clock, the zone named.
/// </summary>
public static class CoverView
{
    public static string StatusName(CoverItemStatus status) => status switch
    {
        CoverItemStatus.Proposed => "proposed",
        CoverItemStatus.Uncovered => "uncovered",
        CoverItemStatus.Applied => "applied",
        CoverItemStatus.Failed => "failed",
        _ => "?",
    };

    private static string StatusMarkup(CoverItem i) => i.Status switch
    {
        CoverItemStatus.Proposed => "[blue]proposed[/]",
        CoverItemStatus.Applied => "[green]applied[/]",
        CoverItemStatus.Uncovered => "[red]uncovered[/]",
        CoverItemStatus.Failed => "[red]failed[/]",
        _ => "?",
    };

    /// <summary>One row per affected appointment: when, who, where it was, where it goes (or why not).</summary>
    public static void Items(IAnsiConsole console, IReadOnlyList<CoverItem> items, Func<string, DateTimeZone> zoneOf, string title)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Write(new Markup($"[bold]{Markup.Escape(title)}[/]\n"));
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "When", "Client", "Service", "Was", "Cover", "Status", "Appointment" })
        {
            table.AddColumn(h is "When" or "Status" or "Appointment" ? new TableColumn($"[bold]{h}[/]").NoWrap() : new TableColumn($"[bold]{h}[/]"));
        }
        foreach (var i in items)
        {
            var zone = zoneOf(i.ClinicId);
            var when = $"{Times.Day(i.Start, zone)} {Times.Range(i.Start, i.End, zone)} ({zone.Id})";
            var was = $"{i.ClinicId} · {i.TherapistId} · {i.RoomId}";
            var cover = i.NewTherapistId.Length > 0
                ? $"{i.NewClinicId} · {i.NewTherapistId} · {i.NewRoomId}{(i.NewClinicId != i.ClinicId ? " (other clinic)" : "")}"
                : "";
            if (i.Reason.Length > 0)
            {
                cover = cover.Length > 0 ? $"{cover}\n{i.Reason}" : i.Reason;
            }
            var client = i.ContactClient ? $"{i.ClientName} ({i.ClientId})\ncontact: {(i.ClientPhone.Length > 0 ? i.ClientPhone : "no phone")}" : $"{i.ClientName} ({i.ClientId})";
            table.AddRow(new Text(when), new Text(client), new Text(i.ServiceId), new Text(was), new Text(cover), new Markup(StatusMarkup(i)), new Text(i.AppointmentId));
        }
        console.Write(table);
        var contact = items.Count(i => i.ContactClient);
        console.Write(new Markup($"[grey]{items.Count} appointment(s); {items.Count(i => i.Status == CoverItemStatus.Proposed)} proposed, "
            + $"{items.Count(i => i.Status == CoverItemStatus.Applied)} applied, {contact} client(s) to contact[/]\n"));
    }

    public static void Plan(IAnsiConsole console, CoverPlan plan, Func<string, DateTimeZone> zoneOf)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var title = $"Cover plan {plan.PlanId} for {plan.TherapistId} ({plan.Cause})";
        Items(console, plan.Items, zoneOf, title);
        if (plan.Items.Any(i => i.Status == CoverItemStatus.Proposed))
        {
            console.Write(new Markup($"[grey]Apply it with: nmt cover apply {Markup.Escape(plan.PlanId)}[/]\n"));
        }
    }

    public static void Outcome(IAnsiConsole console, ApplyCoverResponse outcome, Func<string, DateTimeZone> zoneOf)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Items(console, outcome.Items, zoneOf, $"Cover plan {outcome.PlanId}: {outcome.Applied} applied, {outcome.ToContact} client(s) to contact");
    }

    /// <summary>`nmt therapist-week`: one row per day and clinic, with shifts, absences and appointments on that clinic's clock.</summary>
    public static void Week(IAnsiConsole console, TherapistWeek week)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(week);
        console.Write(new Markup($"[bold]{Markup.Escape(week.Name)}[/] ({Markup.Escape(week.TherapistId)}) · {week.Days.Count} day(s) from {Markup.Escape(week.StartDate)} · times on each clinic's clock\n"));
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "Day", "Clinic", "Shifts", "Absent", "Appointments" })
        {
            table.AddColumn(h is "When" or "Status" or "Appointment" ? new TableColumn($"[bold]{h}[/]").NoWrap() : new TableColumn($"[bold]{h}[/]"));
        }
        foreach (var day in week.Days)
        {
            var label = LocalDateLabel(day.Date);
            if (day.Clinics.Count == 0)
            {
                table.AddRow(new Text(label), new Markup("[grey]off[/]"), Text.Empty, Text.Empty, Text.Empty);
                continue;
            }
            foreach (var c in day.Clinics)
            {
                var zone = Times.ZoneOrUtc(c.TimeZone);
                var appointments = string.Join("\n", c.Appointments.OrderBy(a => Times.ToInstant(a.Start)).Select(a =>
                    $"{Times.Range(a.Start, a.End, zone)} {a.ServiceId} {a.ClientId} [{Summaries.Status(a.Status)}] {a.AppointmentId}"));
                table.AddRow(new Text(label), new Text($"{c.ClinicName} ({c.ClinicId})\n{c.TimeZone}"), new Text(Spans(c.Shifts)),
                    new Text(Spans(c.Absent)), new Text(appointments.Length > 0 ? appointments : "–"));
                label = "";
            }
        }
        console.Write(table);
        foreach (var absence in week.Absences)
        {
            console.Write(new Markup($"[yellow]{Markup.Escape(Tables.KindName(absence.Kind))}[/] {Markup.Escape(Times.Unambiguous(absence.Start, DateTimeZone.Utc))} to {Markup.Escape(Times.Unambiguous(absence.End, DateTimeZone.Utc))}"
                + $"{(absence.Note.Length > 0 ? " · " + Markup.Escape(absence.Note) : "")} ({Markup.Escape(absence.ExceptionId)})\n"));
        }
    }

    public static string Spans(IEnumerable<LocalInterval> spans) => string.Join(", ", spans.Select(s => $"{s.LocalStart}–{s.LocalEnd}"));

    private static string LocalDateLabel(string iso) =>
        NodaTime.Text.LocalDatePattern.Iso.Parse(iso) is { Success: true } d ? d.Value.ToString("ddd uuuu-MM-dd", CultureInfo.InvariantCulture) : iso;
}
