namespace NmtPractice.Cli.Output;

/// <summary>
/// `nmt day`: a clinic's day grouped by room, on the clinic's wall clock, then a utilisation bar per room. Utilisation
/// counts pending, booked, arrived and fulfilled appointments' treatment time (not turnover) against the opening hours
/// of that date (zero on a closure); out-of-service periods are not subtracted.
/// </summary>
public static class DayView
{
    private const int BarWidth = 24;

    /// <summary>Open minutes of <paramref name="date"/> in the clinic's zone: real elapsed time, so 23 or 25-hour days count right.</summary>
    public static int OpenMinutes(Clinic clinic, LocalDate date)
    {
        ArgumentNullException.ThrowIfNull(clinic);
        var iso = date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
        if (clinic.Closures.Any(c => string.CompareOrdinal(c.FirstDate, iso) <= 0 && string.CompareOrdinal(iso, c.LastDate) <= 0))
        {
            return 0;
        }
        var zone = Tables.ZoneOf(clinic);
        var day = (Api.V1.DayOfWeek)(int)date.DayOfWeek;
        var time = LocalTimePattern.CreateWithInvariantCulture("HH:mm");
        var minutes = 0.0;
        foreach (var range in clinic.OpeningHours.Where(h => h.Day == day))
        {
            var start = zone.AtLeniently(date + time.Parse(range.Start).GetValueOrThrow()).ToInstant();
            var end = range.End == "24:00"
                ? zone.AtStartOfDay(date.PlusDays(1)).ToInstant()
                : zone.AtLeniently(date + time.Parse(range.End).GetValueOrThrow()).ToInstant();
            minutes += Math.Max(0, (end - start).TotalMinutes);
        }
        return (int)Math.Round(minutes);
    }

    /// <summary>Every room of the clinic (and any room only the appointments name), in the clinic's order.</summary>
    public static IReadOnlyList<RoomUse> Utilisation(Clinic clinic, LocalDate date, IEnumerable<Appointment> appointments)
    {
        ArgumentNullException.ThrowIfNull(clinic);
        var open = OpenMinutes(clinic, date);
        var list = appointments.ToList();
        var rooms = clinic.Rooms.Select(r => (r.RoomId, r.Name)).ToList();
        rooms.AddRange(list.Select(a => a.RoomId).Distinct().Where(id => rooms.All(r => r.RoomId != id)).Select(id => (id, id)));
        return [.. rooms.Select(r => new RoomUse(r.RoomId, r.Name, list
            .Where(a => a.RoomId == r.RoomId && Summaries.Occupies(a.Status))
            .Sum(a => (int)Math.Round((Times.ToInstant(a.End) - Times.ToInstant(a.Start)).TotalMinutes)), open))];
    }

    public static void Render(IAnsiConsole console, Clinic clinic, LocalDate date, IReadOnlyList<Appointment> appointments)
    {
        ArgumentNullException.ThrowIfNull(console);
        var zone = Tables.ZoneOf(clinic);
        var iso = date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
        var closure = clinic.Closures.FirstOrDefault(c => string.CompareOrdinal(c.FirstDate, iso) <= 0 && string.CompareOrdinal(iso, c.LastDate) <= 0);
        var day = (Api.V1.DayOfWeek)(int)date.DayOfWeek;
        var ranges = clinic.OpeningHours.Where(h => h.Day == day).OrderBy(h => h.Start, StringComparer.Ordinal).Select(h => $"{h.Start}–{h.End}").ToList();
        var hours = closure is not null ? $"closed{(closure.Reason.Length > 0 ? ": " + closure.Reason : "")}"
            : ranges.Count == 0 ? "closed" : "open " + string.Join(", ", ranges);
        console.Write(new Markup($"[bold]{Markup.Escape(clinic.Name)}[/] ({Markup.Escape(clinic.ClinicId)}) · {date.ToString("ddd uuuu-MM-dd", CultureInfo.InvariantCulture)} · {Markup.Escape(hours)} · times in {Markup.Escape(zone.Id)}\n"));
        var use = Utilisation(clinic, date, appointments);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "Room", "Time", "Service", "Therapist", "Client", "Status", "Appointment" })
        {
            table.AddColumn(new TableColumn($"[bold]{h}[/]").NoWrap());
        }
        for (var i = 0; i < use.Count; i++)
        {
            var room = use[i];
            var features = clinic.Rooms.FirstOrDefault(r => r.RoomId == room.RoomId)?.Features ?? [];
            var label = $"{room.Name} ({room.RoomId}){(features.Count > 0 ? "\n" + string.Join(", ", features) : "")}";
            var inRoom = appointments.Where(a => a.RoomId == room.RoomId).OrderBy(a => Times.ToInstant(a.Start)).ToList();
            if (i > 0)
            {
                table.AddEmptyRow();
            }
            if (inRoom.Count == 0)
            {
                table.AddRow(new Text(label), new Markup("[grey]no appointments[/]"), Text.Empty, Text.Empty, Text.Empty, Text.Empty, Text.Empty);
                continue;
            }
            for (var j = 0; j < inRoom.Count; j++)
            {
                var a = inRoom[j];
                table.AddRow(new Text(j == 0 ? label : ""), new Text(Times.Range(a.Start, a.End, zone)), new Text(a.ServiceId), new Text(a.TherapistId),
                    new Text(a.ClientId), new Markup(Summaries.StatusMarkup(a)), new Text(a.AppointmentId));
            }
        }
        console.Write(table);
        console.Write(new Markup("[bold]Room utilisation[/] (treatment time of live appointments / opening time)\n"));
        var chart = new Table().Border(TableBorder.None).HideHeaders();
        chart.AddColumn("Room").AddColumn("Bar").AddColumn(new TableColumn("%").RightAligned()).AddColumn("Minutes");
        foreach (var room in use)
        {
            chart.AddRow(new Text(room.Name), new Markup($"[green]{Summaries.Bar(room.Fraction, BarWidth)}[/]"),
                new Text(Summaries.Percent(room.Fraction)), new Text($"{room.BookedMinutes}/{room.OpenMinutes} min"));
        }
        console.Write(chart);
        console.Write(new Markup($"[grey]{appointments.Count} appointment(s)[/]\n"));
    }

    /// <summary>The therapists of the day (from the clinic day view): shifts, absences and how many appointments each has there.</summary>
    public static void RenderTherapists(IAnsiConsole console, ClinicDayView view)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(view);
        if (view.Therapists.Count == 0)
        {
            console.Write(new Markup("[grey]No therapist rostered that day.[/]\n"));
            return;
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "Therapist", "Shifts", "Absent", "Appointments", "Booked time" })
        {
            table.AddColumn(new TableColumn($"[bold]{h}[/]").NoWrap());
        }
        foreach (var t in view.Therapists)
        {
            var live = t.Appointments.Where(a => Summaries.Occupies(a.Status)).ToList();
            var minutes = live.Sum(a => (int)Math.Round((Times.ToInstant(a.End) - Times.ToInstant(a.Start)).TotalMinutes));
            table.AddRow(new Text($"{t.Name} ({t.TherapistId})"), new Text(CoverView.Spans(t.Shifts)), new Text(CoverView.Spans(t.Absent)),
                new Text(live.Count.ToString(CultureInfo.InvariantCulture)), new Text($"{minutes} min"));
        }
        console.Write(table);
    }
}
