using NmtPractice.Cli.Output;
using NmtPractice.Cli.Parsing;

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
        var command = new Command("day", "A clinic's day: appointments by room and each room's utilisation").With(clinic, date);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var day = Args.LocalDateOf(r.GetValue(date)!, "--date");
            var clinicId = r.GetValue(clinic)!;
            var (appointments, _) = await Opts.Pages(async token => await ctx.Bookings.ListClinicDayAsync(
                    new ListClinicDayRequest { ClinicId = clinicId, Date = Args.Date(r.GetValue(date)!, "--date"), PageSize = 500, PageToken = token }, ctx.Call(ct)), p => p.Appointments, p => p.NextPageToken);
            var response = new ListAppointmentsResponse { Appointments = { appointments } };
            if (ctx.Json)
            {
                ctx.Print(response, _ => { });
                return;
            }
            DayView.Render(ctx.Console, await ctx.Clinic(clinicId, ct), day, appointments);
        }));
        return command;
    }

    private static Command TherapistWeek(App app)
    {
        var therapist = Opts.Required("--therapist", "Therapist id");
        var from = Opts.Required("--from", "First date, yyyy-MM-dd", "date");
        var days = new Option<int>("--days") { Description = "How many days, 1 to 92", DefaultValueFactory = _ => 7, HelpName = "n" };
        var zone = Opts.Optional("--zone", "IANA zone the dates are read in [default: the zone of the therapist's first rostered clinic]", "zone");
        var command = new Command("therapist-week", "A therapist's appointments across all clinics").With(therapist, from, days, zone);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var first = Args.LocalDateOf(r.GetValue(from)!, "--from");
            var count = r.GetValue(days);
            if (count is < 1 or > 92)
            {
                throw new CliUsageException("--days", "--days: give 1 to 92.");
            }
            var therapistId = r.GetValue(therapist)!;
            string zoneId;
            if (r.GetValue(zone) is { Length: > 0 } z)
            {
                zoneId = Args.Zone(z, "--zone").Id;
            }
            else
            {
                var t = await ctx.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = therapistId }, ctx.Call(ct));
                zoneId = t.Rosters.Count > 0 ? (await ctx.ClinicZone(t.Rosters[0].ClinicId, ct)).Id : "UTC";
            }
            var (appointments, _) = await Opts.Pages(async token => await ctx.Bookings.ListTherapistAppointmentsAsync(new ListTherapistAppointmentsRequest
                {
                    TherapistId = therapistId,
                    FromDate = Args.Date(r.GetValue(from)!, "--from"),
                    ToDate = first.PlusDays(count - 1).ToString("uuuu-MM-dd", CultureInfo.InvariantCulture),
                    TimeZone = zoneId,
                    PageSize = 500,
                    PageToken = token,
                }, ctx.Call(ct)), p => p.Appointments, p => p.NextPageToken);
            var response = new ListAppointmentsResponse { Appointments = { appointments } };
            if (ctx.Json)
            {
                ctx.Print(response, _ => { });
                return;
            }
            var title = $"{therapistId}: {first.ToString("ddd uuuu-MM-dd", CultureInfo.InvariantCulture)} to {first.PlusDays(count - 1).ToString("ddd uuuu-MM-dd", CultureInfo.InvariantCulture)} ({zoneId} dates)";
            Tables.Appointments(ctx.Console, appointments, await Zones(ctx, appointments, ct), title);
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
