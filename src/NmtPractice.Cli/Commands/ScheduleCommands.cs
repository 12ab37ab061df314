namespace NmtPractice.Cli.Commands;

/// <summary>BookingService listings: `day` (a clinic's day by room), `therapist-week`, `client-appointments`.</summary>
internal static class ScheduleCommands
{
    public static IEnumerable<Command> Create(App app)
    {
        yield return Day(app);
        yield return TherapistWeek(app);
        yield return ClientAppointments(app);
    }

    private static async Task<Func<string, DateTimeZone>> Zones(CliContext ctx, IEnumerable<Appointment> appointments, CancellationToken ct)
    {
        var zones = new Dictionary<string, DateTimeZone>(StringComparer.Ordinal);
        foreach (var clinicId in appointments.Select(a => a.ClinicId).Distinct())
        {
            zones[clinicId] = await ctx.ClinicZone(clinicId, ct);
        }
        return id => zones.GetValueOrDefault(id) ?? DateTimeZone.Utc;
    }

    private static Command Day(App app)
    {
        var clinic = Opts.Required("--clinic", "Clinic id");
        var date = Opts.Required("--date", "Clinic-local date, yyyy-MM-dd", "date");
        var command = new Command("day", "A clinic's day: appointments by room, each room's utilisation, and the therapists on shift").With(clinic, date);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var day = Args.LocalDateOf(r.GetValue(date)!, "--date");
            var clinicId = r.GetValue(clinic)!;
            var view = await ctx.Bookings.GetClinicDayViewAsync(
                new GetClinicDayViewRequest { ClinicId = clinicId, Date = Args.Date(r.GetValue(date)!, "--date") }, ctx.Call(ct));
            if (ctx.Json)
            {
                ctx.Print(view, _ => { });
                return;
            }
            var appointments = view.Rooms.SelectMany(room => room.Appointments).OrderBy(a => Times.ToInstant(a.Start)).ToList();
            DayView.Render(ctx.Console, await ctx.Clinic(clinicId, ct), day, appointments);
            DayView.RenderTherapists(ctx.Console, view);
        }));
        return command;
    }

    private static Command TherapistWeek(App app)
    {
        var therapist = Opts.Required("--therapist", "Therapist id");
        var from = Opts.Required("--from", "First date, yyyy-MM-dd (each clinic's local date)", "date");
        var days = new Option<int>("--days") { Description = "How many days, 1 to 31", DefaultValueFactory = _ => 7, HelpName = "n" };
        var command = new Command("therapist-week", "A therapist's days across all clinics: shifts, leave and sickness, appointments").With(therapist, from, days);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var count = r.GetValue(days);
            if (count is < 1 or > 31)
            {
                throw new CliUsageException("--days", "--days: give 1 to 31.");
            }
            var week = await ctx.Staff.GetTherapistWeekAsync(new GetTherapistWeekRequest
            {
                TherapistId = r.GetValue(therapist)!,
                StartDate = Args.Date(r.GetValue(from)!, "--from"),
                Days = count,
            }, ctx.Call(ct));
            ctx.Print(week, c => CoverView.Week(c, week));
        }));
        return command;
    }

    private static Command ClientAppointments(App app)
    {
        var client = Opts.Required("--client", "Client id");
        var from = Opts.Optional("--from", "Only those starting on or after this date (or time)", "date");
        var to = Opts.Optional("--to", "Only those starting before this date (or time), exclusive", "date");
        var zone = Opts.Optional("--zone", "IANA zone the dates are read in [default: UTC]", "zone");
        var command = new Command("client-appointments", "A client's appointments, by start").With(client, from, to, zone);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var tz = r.GetValue(zone) is { Length: > 0 } z ? Args.Zone(z, "--zone") : DateTimeZone.Utc;
            var request = new ListClientAppointmentsRequest { ClientId = r.GetValue(client)!, PageSize = 500 };
            if (r.GetValue(from) is { } f)
            {
                request.StartFrom = Args.Timestamp(Bound(f, tz, "--from"));
            }
            if (r.GetValue(to) is { } t)
            {
                request.StartBefore = Args.Timestamp(Bound(t, tz, "--to"));
            }
            var (appointments, _) = await Opts.Pages(async token =>
            {
                request.PageToken = token;
                return await ctx.Bookings.ListClientAppointmentsAsync(request, ctx.Call(ct));
            }, p => p.Appointments, p => p.NextPageToken);
            var response = new ListAppointmentsResponse { Appointments = { appointments } };
            if (ctx.Json)
            {
                ctx.Print(response, _ => { });
                return;
            }
            Tables.Appointments(ctx.Console, appointments, await Zones(ctx, appointments, ct), $"Client {request.ClientId}");
        }));
        return command;
    }

    /// <summary>A date means the start of that day in <paramref name="zone"/>; a time is read as for --at.</summary>
    public static Instant Bound(string text, DateTimeZone zone, string field) =>
        text.Contains('T', StringComparison.Ordinal)
            ? Args.Resolve(Args.When(text, field), zone, field)
            : Args.StartOfDay(Args.LocalDateOf(text, field), zone);
}
