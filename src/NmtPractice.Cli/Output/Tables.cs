using Spectre.Console.Rendering;

namespace NmtPractice.Cli.Output;

/// <summary>
/// The readable (default) rendering of each API message. Server text goes in as <see cref="Text"/>, never as markup.
/// Instants are shown on the clinic's wall clock, and the zone is always named in a column or caption.
/// </summary>
public static class Tables
{
    public static DateTimeZone ZoneOf(Clinic clinic) => Times.ZoneOrUtc(clinic.TimeZone);

    private static Table New(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in headers)
        {
            // Ids never wrap: they are what people copy into the next command.
            var column = new TableColumn(new Markup($"[bold]{Markup.Escape(h)}[/]"));
            table.AddColumn(IdColumns.Contains(h) ? column.NoWrap() : column);
        }
        return table;
    }

    private static readonly HashSet<string> IdColumns =
        ["Clinic", "Therapist", "Room", "Service", "Client", "Appointment", "Exception", "Time zone", "Zone", "Between", "And", "Start", "Time", "Day"];

    private static void Row(Table table, params string[] cells) => table.AddRow([.. cells.Select(c => (IRenderable)new Text(c))]);

    /// <summary>A two-column "name: value" block for one record.</summary>
    private static Grid Fields(params (string Name, string Value)[] fields)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var (name, value) in fields)
        {
            grid.AddRow(new Markup($"[grey]{Markup.Escape(name)}[/]"), new Text(value));
        }
        return grid;
    }

    private static string Join(IEnumerable<string> values) => string.Join(", ", values);

    public static void Clinics(IAnsiConsole console, IReadOnlyList<Clinic> clinics)
    {
        var table = New("Clinic", "Name", "Time zone", "Rooms", "Services", "Opening hours");
        foreach (var c in clinics)
        {
            Row(table, c.ClinicId, c.Name, c.TimeZone, c.Rooms.Count.ToString(CultureInfo.InvariantCulture),
                c.Services.Count.ToString(CultureInfo.InvariantCulture), Summaries.Opening(c.OpeningHours));
        }
        table.Caption($"{clinics.Count} clinic(s)");
        console.Write(table);
    }

    public static void Clinic(IAnsiConsole console, Clinic c)
    {
        var zone = ZoneOf(c);
        console.Write(Fields(
            ("Clinic", c.ClinicId), ("Name", c.Name), ("Address", c.Address), ("Time zone", c.TimeZone),
            ("Opening hours", Summaries.Opening(c.OpeningHours)),
            ("Cancellation window", $"{c.CancellationWindowMinutes} min")));
        if (c.Rooms.Count > 0)
        {
            var rooms = New("Room", "Name", "Features", $"Out of service ({c.TimeZone})");
            foreach (var r in c.Rooms)
            {
                Row(rooms, r.RoomId, r.Name, Join(r.Features),
                    string.Join("\n", r.OutOfService.Select(o => $"{Times.DayAndTime(o.Start, zone)} – {Times.DayAndTime(o.End, zone)} {o.Reason}".TrimEnd())));
            }
            console.Write(rooms);
        }
        if (c.Services.Count > 0)
        {
            var services = New("Service", "Name", "Minutes", "Turnover", "Room features", "Qualification", "Price");
            foreach (var s in c.Services)
            {
                Row(services, s.ServiceId, s.Name, s.DurationMinutes.ToString(CultureInfo.InvariantCulture),
                    s.TurnoverMinutes.ToString(CultureInfo.InvariantCulture), Join(s.RequiredFeatures), s.RequiredQualification,
                    Summaries.Price(s.PriceMinor));
            }
            console.Write(services);
        }
        if (c.Closures.Count > 0)
        {
            var closures = New("Closed from", "Closed to", "Reason");
            foreach (var cl in c.Closures)
            {
                Row(closures, cl.FirstDate, cl.LastDate, cl.Reason);
            }
            console.Write(closures);
        }
    }

    public static void Therapists(IAnsiConsole console, IReadOnlyList<Therapist> therapists)
    {
        var table = New("Therapist", "Name", "Qualifications", "Clinics");
        foreach (var t in therapists)
        {
            Row(table, t.TherapistId, t.Name, Qualifications(t.Qualifications), Join(t.Rosters.Select(r => r.ClinicId).Distinct()));
        }
        table.Caption($"{therapists.Count} therapist(s)");
        console.Write(table);
    }

    private static string Qualifications(IEnumerable<Qualification> qualifications) =>
        Join(qualifications.Select(q => q.ExpiresOn.Length == 0 ? q.Code : $"{q.Code} (to {q.ExpiresOn})"));

    /// <summary>A therapist; exceptions are shown in the zone of their clinic (or of the first roster's clinic) via <paramref name="zoneOf"/>.</summary>
    public static void Therapist(IAnsiConsole console, Therapist t, Func<string, DateTimeZone> zoneOf)
    {
        console.Write(Fields(("Therapist", t.TherapistId), ("Name", t.Name), ("Qualifications", Qualifications(t.Qualifications))));
        if (t.Rosters.Count > 0)
        {
            var rosters = New("Clinic", "Shifts (clinic time)", "Cycle", "Valid");
            foreach (var r in t.Rosters)
            {
                var cycle = r.CycleWeeks <= 1 ? "weekly" : $"{r.CycleWeeks} weeks from {r.AnchorDate}";
                var valid = r.ValidFrom.Length == 0 && r.ValidUntil.Length == 0 ? "always" : $"{Or(r.ValidFrom, "…")} to {Or(r.ValidUntil, "…")}";
                Row(rosters, r.ClinicId, Summaries.Shifts(r.Shifts, r.CycleWeeks), cycle, valid);
            }
            console.Write(rosters);
        }
        if (t.Exceptions.Count > 0)
        {
            var fallback = t.Rosters.Count > 0 ? t.Rosters[0].ClinicId : "";
            var exceptions = New("Exception", "Kind", "From", "To", "Zone", "Clinic", "Note");
            foreach (var e in t.Exceptions)
            {
                var zone = zoneOf(Or(e.ClinicId, fallback));
                Row(exceptions, e.ExceptionId, KindName(e.Kind), Times.DayAndTime(e.Start, zone), Times.DayAndTime(e.End, zone), zone.Id, e.ClinicId, e.Note);
            }
            console.Write(exceptions);
        }
    }

    private static string Or(string value, string fallback) => value.Length == 0 ? fallback : value;

    public static string KindName(RosterExceptionKind kind) => kind switch
    {
        RosterExceptionKind.Leave => "leave",
        RosterExceptionKind.Sickness => "sickness",
        RosterExceptionKind.ExtraShift => "extra-shift",
        _ => "unspecified",
    };

    public static void Travel(IAnsiConsole console, TravelTimes travel)
    {
        var table = New("Between", "And", "Minutes");
        foreach (var p in travel.Pairs)
        {
            Row(table, p.ClinicA, p.ClinicB, p.Minutes.ToString(CultureInfo.InvariantCulture));
        }
        table.Caption($"any other two clinics: {travel.DefaultMinutes} min");
        console.Write(table);
    }

    public static void Clients(IAnsiConsole console, IReadOnlyList<Client> clients, bool more = false)
    {
        var table = New("Client", "Given name", "Family name", "Phone", "E-mail", "Born");
        foreach (var c in clients)
        {
            Row(table, c.ClientId, c.GivenName, c.FamilyName, c.Phone, c.Email, c.DateOfBirth);
        }
        table.Caption($"{clients.Count} client(s){(more ? "; more with --limit" : "")}");
        console.Write(table);
    }

    public static void Client(IAnsiConsole console, Client c) => console.Write(Fields(
        ("Client", c.ClientId), ("Name", $"{c.GivenName} {c.FamilyName}"), ("Phone", c.Phone), ("E-mail", c.Email), ("Born", c.DateOfBirth)));

    public static void Slots(IAnsiConsole console, IReadOnlyList<Slot> slots, bool more)
    {
        var zone = slots.Count > 0 ? Times.ZoneOrUtc(slots[0].TimeZone) : DateTimeZone.Utc;
        var table = New("Start", "Time", "Therapist", "Room");
        foreach (var s in slots)
        {
            Row(table, Times.DayAndTime(s.Start, zone), Times.Range(s.Start, s.End, zone), s.TherapistId, s.RoomId);
        }
        table.Caption(slots.Count == 0
            ? "no free slot"
            : $"{slots.Count} free slot(s), times in {zone.Id}{(more ? "; more with --limit" : "")}");
        console.Write(table);
    }

    public static void Appointment(IAnsiConsole console, Appointment a, DateTimeZone zone)
    {
        var fields = new List<(string, string)>
        {
            ("Appointment", a.AppointmentId), ("Status", Summaries.Status(a.Status) + (a.CancelledLate ? " (late)" : "")),
            ("Start", Times.Unambiguous(a.Start, zone)), ("End", Times.Unambiguous(a.End, zone)),
            ("Room free at", Times.Unambiguous(a.RoomFreeAt, zone)),
            ("Clinic", a.ClinicId), ("Service", a.ServiceId), ("Therapist", a.TherapistId), ("Room", a.RoomId), ("Client", a.ClientId),
        };
        if (a.HoldExpiresAt is not null)
        {
            fields.Add(("Hold expires", Times.Unambiguous(a.HoldExpiresAt, zone)));
        }
        if (a.Status == AppointmentStatus.Cancelled)
        {
            fields.Add(("Cancel reason", a.CancelReason));
        }
        fields.Add(("Request id", a.RequestId));
        fields.Add(("Version", a.Version.ToString(CultureInfo.InvariantCulture)));
        console.Write(Fields([.. fields]));
    }

    /// <summary>Appointments across clinics (a therapist's week, a client's history): each on its clinic's wall clock.</summary>
    public static void Appointments(IAnsiConsole console, IReadOnlyList<Appointment> appointments, Func<string, DateTimeZone> zoneOf, string title)
    {
        var table = New("Day", "Time", "Zone", "Clinic", "Room", "Therapist", "Client", "Service", "Status", "Appointment");
        foreach (var a in appointments)
        {
            var zone = zoneOf(a.ClinicId);
            table.AddRow(new Text(Times.Day(a.Start, zone)), new Text(Times.Range(a.Start, a.End, zone)), new Text(zone.Id),
                new Text(a.ClinicId), new Text(a.RoomId), new Text(a.TherapistId), new Text(a.ClientId), new Text(a.ServiceId),
                new Markup(Summaries.StatusMarkup(a)), new Text(a.AppointmentId));
        }
        table.Title(title).Caption($"{appointments.Count} appointment(s)");
        console.Write(table);
    }
}
