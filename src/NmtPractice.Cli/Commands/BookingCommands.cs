namespace NmtPractice.Cli.Commands;

/// <summary>BookingService, front-desk verbs: `availability`, `book`, `hold`, `confirm`, `reschedule`, `cancel`, `checkin`, `complete`, `noshow`, `appointment`.</summary>
internal static class BookingCommands
{
    public static IEnumerable<Command> Create(App app)
    {
        yield return Availability(app);
        yield return Book(app, hold: false);
        yield return Book(app, hold: true);
        yield return Confirm(app);
        yield return Reschedule(app);
        yield return Cancel(app);
        yield return Status(app, "checkin", "Check the client in (arrived)", (ctx, id, rid, ct) =>
            ctx.Bookings.CheckInAsync(new CheckInRequest { RequestId = rid, AppointmentId = id }, ctx.Call(ct)).ResponseAsync);
        yield return Status(app, "complete", "Mark the appointment fulfilled", (ctx, id, rid, ct) =>
            ctx.Bookings.CompleteAsync(new CompleteRequest { RequestId = rid, AppointmentId = id }, ctx.Call(ct)).ResponseAsync);
        yield return Status(app, "noshow", "Mark a no-show (only after the start)", (ctx, id, rid, ct) =>
            ctx.Bookings.MarkNoShowAsync(new MarkNoShowRequest { RequestId = rid, AppointmentId = id }, ctx.Call(ct)).ResponseAsync);
        yield return Get(app);
    }

    /// <summary>Prints an appointment, its times on its clinic's clock.</summary>
    internal static async Task ShowAppointment(CliContext ctx, Appointment appointment, CancellationToken ct)
    {
        if (ctx.Json)
        {
            ctx.Print(appointment, _ => { });
            return;
        }
        Tables.Appointment(ctx.Console, appointment, await ctx.ClinicZone(appointment.ClinicId, ct));
    }

    private static Command Availability(App app)
    {
        var clinic = Opts.Required("--clinic", "Clinic id");
        var service = Opts.Required("--service", "Service id");
        var from = Opts.Required("--from", "First date, yyyy-MM-dd (clinic time)", "date");
        var to = Opts.Optional("--to", "Last date, inclusive, at most 31 days on [default: --from]", "date");
        var therapist = Opts.Optional("--therapist", "Only this therapist [default: any qualified, rostered]", "id");
        var client = Opts.Optional("--client", "Also avoid this client's other appointments", "id");
        var grid = Opts.Number("--grid", "Spacing of candidate starts in minutes, 5 to 240 [default: 15]");
        var limit = new Option<int>("--limit") { Description = "Show at most this many slots (0: all)", DefaultValueFactory = _ => 100, HelpName = "n" };
        var command = new Command("availability", "Free starts for a service at a clinic").With(clinic, service, from, to, therapist, client, grid, limit);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var first = Args.Date(r.GetValue(from)!, "--from");
            var request = new SearchAvailabilityRequest
            {
                ClinicId = r.GetValue(clinic)!,
                ServiceId = r.GetValue(service)!,
                FromDate = first,
                ToDate = r.GetValue(to) is { } t ? Args.Date(t, "--to") : first,
                TherapistId = r.GetValue(therapist) ?? "",
                ClientId = r.GetValue(client) ?? "",
                GridMinutes = r.GetValue(grid) ?? 0,
            };
            var max = Math.Max(0, r.GetValue(limit));
            var (slots, more) = await Opts.Pages(async token =>
            {
                request.PageToken = token;
                request.PageSize = max is > 0 and < 500 ? max : 500;
                return await ctx.Bookings.SearchAvailabilityAsync(request, ctx.Call(ct));
            }, p => p.Slots, p => p.NextPageToken, max);
            ctx.Print(new SearchAvailabilityResponse { Slots = { slots } }, c => Tables.Slots(c, slots, more));
        }));
        return command;
    }

    private static Command Book(App app, bool hold)
    {
        var clinic = Opts.Required("--clinic", "Clinic id");
        var service = Opts.Required("--service", "Service id");
        var client = Opts.Required("--client", "Client id");
        var at = Opts.Required("--at", "Start: 2026-12-01T10:00 in the clinic's zone, or with Z / an offset", "time");
        var therapist = Opts.Optional("--therapist", "Therapist [default: any qualified, rostered]", "id");
        var room = Opts.Optional("--room", "Room [default: automatic allocation]", "id");
        var zone = Opts.Zone();
        var minutes = Opts.Number("--minutes", "How long the hold lasts, at most 60 [default: 5]");
        var requestId = Opts.RequestId();
        var command = hold
            ? new Command("hold", "Hold a slot for a while (pending); `confirm` turns it into a booking").With(clinic, service, client, at, therapist, room, zone, minutes, requestId)
            : new Command("book", "Book an appointment in one step").With(clinic, service, client, at, therapist, room, zone, requestId);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var clinicId = r.GetValue(clinic)!;
            var start = Args.Timestamp(await ctx.Resolve(Args.When(r.GetValue(at)!, "--at"), r.GetValue(zone), clinicId, "--at", ct));
            var key = CliContext.RequestId(r.GetValue(requestId));
            var appointment = hold
                ? await ctx.Bookings.HoldAsync(new HoldRequest
                {
                    RequestId = key, ClinicId = clinicId, ServiceId = r.GetValue(service)!, ClientId = r.GetValue(client)!, Start = start,
                    TherapistId = r.GetValue(therapist) ?? "", RoomId = r.GetValue(room) ?? "", HoldMinutes = r.GetValue(minutes) ?? 0,
                }, ctx.Call(ct))
                : await ctx.Bookings.BookAsync(new BookRequest
                {
                    RequestId = key, ClinicId = clinicId, ServiceId = r.GetValue(service)!, ClientId = r.GetValue(client)!, Start = start,
                    TherapistId = r.GetValue(therapist) ?? "", RoomId = r.GetValue(room) ?? "",
                }, ctx.Call(ct));
            await ShowAppointment(ctx, appointment, ct);
        }));
        return command;
    }

    private static Command Confirm(App app) =>
        Status(app, "confirm", "Confirm a hold: the pending appointment becomes booked", (ctx, id, rid, ct) =>
            ctx.Bookings.ConfirmHoldAsync(new ConfirmHoldRequest { RequestId = rid, AppointmentId = id }, ctx.Call(ct)).ResponseAsync);

    private static Command Reschedule(App app)
    {
        var id = Opts.Id("appointment-id", "Appointment id");
        var at = Opts.Required("--at", "New start: clinic time, or with Z / an offset", "time");
        var therapist = Opts.Optional("--therapist", "New therapist [default: keep]", "id");
        var room = Opts.Optional("--room", "Room [default: automatic allocation]", "id");
        var zone = Opts.Zone();
        var requestId = Opts.RequestId();
        var command = new Command("reschedule", "Move an appointment; the old slot is freed only if the new one is taken")
            .With(id, at, therapist, room, zone, requestId);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var appointmentId = r.GetValue(id)!;
            var when = Args.When(r.GetValue(at)!, "--at");
            string? clinicId = null;
            if (when.NeedsZone && string.IsNullOrEmpty(r.GetValue(zone)))
            {
                clinicId = (await ctx.Bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = appointmentId }, ctx.Call(ct))).ClinicId;
            }
            var request = new RescheduleRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)),
                AppointmentId = appointmentId,
                NewStart = Args.Timestamp(await ctx.Resolve(when, r.GetValue(zone), clinicId, "--at", ct)),
                TherapistId = r.GetValue(therapist) ?? "",
                RoomId = r.GetValue(room) ?? "",
            };
            await ShowAppointment(ctx, await ctx.Bookings.RescheduleAsync(request, ctx.Call(ct)), ct);
        }));
        return command;
    }

    private static Command Cancel(App app)
    {
        var id = Opts.Id("appointment-id", "Appointment id");
        var reason = Opts.Optional("--reason", "Why, at most 200 characters [default: unspecified]");
        var requestId = Opts.RequestId();
        var command = new Command("cancel", "Cancel an appointment (late if inside the clinic's cancellation window)").With(id, reason, requestId);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new CancelRequest { RequestId = CliContext.RequestId(r.GetValue(requestId)), AppointmentId = r.GetValue(id)!, Reason = r.GetValue(reason) ?? "" };
            await ShowAppointment(ctx, await ctx.Bookings.CancelAsync(request, ctx.Call(ct)), ct);
        }));
        return command;
    }

    /// <summary>A command that takes an appointment id and changes its status.</summary>
    private static Command Status(App app, string name, string description, Func<CliContext, string, string, CancellationToken, Task<Appointment>> call)
    {
        var id = Opts.Id("appointment-id", "Appointment id");
        var requestId = Opts.RequestId();
        var command = new Command(name, description).With(id, requestId);
        command.SetAction(app.Run(async (ctx, r, ct) =>
            await ShowAppointment(ctx, await call(ctx, r.GetValue(id)!, CliContext.RequestId(r.GetValue(requestId)), ct), ct)));
        return command;
    }

    private static Command Get(App app)
    {
        var id = Opts.Id("appointment-id", "Appointment id");
        var command = new Command("appointment", "Show an appointment").With(id);
        command.SetAction(app.Run(async (ctx, r, ct) =>
            await ShowAppointment(ctx, await ctx.Bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = r.GetValue(id) }, ctx.Call(ct)), ct)));
        return command;
    }
}
