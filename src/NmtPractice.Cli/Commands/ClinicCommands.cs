using Google.Protobuf;

namespace NmtPractice.Cli.Commands;

/// <summary>ClinicService: `clinics`, `rooms`, `services`, `hours`, `closures`.</summary>
internal static class ClinicCommands
{
    public static IEnumerable<Command> Create(App app)
    {
        yield return Clinics(app);
        yield return Rooms(app);
        yield return Services(app);
        yield return Hours(app);
        yield return Closures(app);
    }

    private static Option<string> ClinicOption() => Opts.Required("--clinic", "Clinic id");

    private static void ShowClinic(CliContext ctx, Clinic clinic)
    {
        ctx.Remember(clinic);
        ctx.Print(clinic, c => Tables.Clinic(c, clinic));
    }

    private static Command Clinics(App app)
    {
        var list = new Command("list", "List every clinic");
        list.SetAction(app.Run(async (ctx, _, ct) =>
        {
            var (clinics, _) = await Opts.Pages(async token => await ctx.Clinics.ListClinicsAsync(new ListClinicsRequest { PageSize = 500, PageToken = token }, ctx.Call(ct)), p => p.Clinics, p => p.NextPageToken);
            ctx.Print(new ListClinicsResponse { Clinics = { clinics } }, c => Tables.Clinics(c, clinics));
        }));

        var getId = Opts.Id("clinic-id", "Clinic id");
        var get = new Command("get", "Show a clinic: hours, rooms, services, closures").With(getId);
        get.SetAction(app.Run(async (ctx, r, ct) =>
            ShowClinic(ctx, await ctx.Clinics.GetClinicAsync(new GetClinicRequest { ClinicId = r.GetValue(getId) }, ctx.Call(ct)))));

        var createId = Opts.Id("clinic-id", "New clinic's id (letters, digits, '-', '_', '.')");
        var name = Opts.Optional("--name", "Display name");
        var address = Opts.Optional("--address", "Postal address");
        var zone = Opts.Optional("--zone", "IANA time zone, e.g. Europe/London (never changes later)", "zone");
        var hours = Opts.Many("--hours", "Opening hours DAYS=HH:mm-HH:mm, e.g. mon-fri=09:00-18:00", "days=from-to");
        var window = Opts.Number("--cancellation-window", "Minutes before the start after which a cancellation is late [default: 1440]");
        var file = Opts.Optional("--file", "A CreateClinicRequest in protobuf JSON (rooms, services, closures); options override it", "path");
        var createRequestId = Opts.RequestId();
        var create = new Command("create", "Create a clinic").With(createId, name, address, zone, hours, window, file, createRequestId);
        create.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = r.GetValue(file) is { } path ? JsonParser.Default.Parse<CreateClinicRequest>(await File.ReadAllTextAsync(path, ct)) : new CreateClinicRequest();
            request.RequestId = CliContext.RequestId(r.GetValue(createRequestId) ?? NullIfEmpty(request.RequestId));
            request.ClinicId = r.GetValue(createId)!;
            request.Name = r.GetValue(name) ?? request.Name;
            request.Address = r.GetValue(address) ?? request.Address;
            request.TimeZone = r.GetValue(zone) is { } z ? Args.Zone(z, "--zone").Id : request.TimeZone;
            if (request.Name.Length == 0 || request.TimeZone.Length == 0)
            {
                throw new CliUsageException(request.Name.Length == 0 ? "--name" : "--zone", "clinics create needs --name and --zone (or a --file that has them).");
            }
            var openingHours = (r.GetValue(hours) ?? []).SelectMany(h => Args.OpeningRanges(h, "--hours")).ToList();
            if (openingHours.Count > 0)
            {
                request.OpeningHours.Clear();
                request.OpeningHours.AddRange(openingHours);
            }
            if (r.GetValue(window) is { } minutes)
            {
                request.CancellationWindowMinutes = minutes;
            }
            ShowClinic(ctx, await ctx.Clinics.CreateClinicAsync(request, ctx.Call(ct)));
        }));

        var updateId = Opts.Id("clinic-id", "Clinic id");
        var newName = Opts.Optional("--name", "New display name");
        var newAddress = Opts.Optional("--address", "New address");
        var newWindow = Opts.Number("--cancellation-window", "New late-cancellation window in minutes");
        var updateRequestId = Opts.RequestId();
        var update = new Command("update", "Change a clinic's name, address or cancellation window (the rest is kept)")
            .With(updateId, newName, newAddress, newWindow, updateRequestId);
        update.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new UpdateClinicRequest { RequestId = CliContext.RequestId(r.GetValue(updateRequestId)), ClinicId = r.GetValue(updateId)! };
            if (r.GetValue(newName) is { } n)
            {
                request.Name = n;
            }
            if (r.GetValue(newAddress) is { } a)
            {
                request.Address = a;
            }
            if (r.GetValue(newWindow) is { } w)
            {
                request.CancellationWindowMinutes = w;
            }
            ShowClinic(ctx, await ctx.Clinics.UpdateClinicAsync(request, ctx.Call(ct)));
        }));

        return new Command("clinics", "Clinics: list, show, create, update").With(list, get, create, update);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static Command Rooms(App app)
    {
        var clinic = ClinicOption();
        var roomId = Opts.Id("room-id", "Room id");
        var name = Opts.Optional("--name", "Display name [default: the id]");
        var features = Opts.Many("--feature", "Room feature such as hydraulic-table, wheelchair-access, quiet", "tag");
        var requestId = Opts.RequestId();
        var upsert = new Command("upsert", "Add a room, or replace its name and features (out-of-service periods are kept)")
            .With(roomId, clinic, name, features, requestId);
        upsert.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new UpsertRoomRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)),
                ClinicId = r.GetValue(clinic)!,
                RoomId = r.GetValue(roomId)!,
                Name = r.GetValue(name) ?? r.GetValue(roomId)!,
                Features = { r.GetValue(features) ?? [] },
            };
            ShowClinic(ctx, await ctx.Clinics.UpsertRoomAsync(request, ctx.Call(ct)));
        }));

        var oosClinic = ClinicOption();
        var oosRoom = Opts.Id("room-id", "Room id");
        var from = Opts.Required("--from", "Start, e.g. 2026-12-01T08:00 (clinic time) or with an offset", "time");
        var to = Opts.Required("--to", "End (exclusive)", "time");
        var reason = Opts.Optional("--reason", "Why, e.g. \"table repair\"");
        var zone = Opts.Zone();
        var oosRequestId = Opts.RequestId();
        var outOfService = new Command("out-of-service", "Take a room out of service for [from, to)")
            .With(oosRoom, oosClinic, from, to, reason, zone, oosRequestId);
        outOfService.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var clinicId = r.GetValue(oosClinic)!;
            var start = await ctx.Resolve(Args.When(r.GetValue(from)!, "--from"), r.GetValue(zone), clinicId, "--from", ct);
            var end = await ctx.Resolve(Args.When(r.GetValue(to)!, "--to"), r.GetValue(zone), clinicId, "--to", ct);
            var request = new SetRoomOutOfServiceRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(oosRequestId)),
                ClinicId = clinicId,
                RoomId = r.GetValue(oosRoom)!,
                Start = Args.Timestamp(start),
                End = Args.Timestamp(end),
                Reason = r.GetValue(reason) ?? "",
            };
            ShowClinic(ctx, await ctx.Clinics.SetRoomOutOfServiceAsync(request, ctx.Call(ct)));
        }));

        return new Command("rooms", "Rooms of a clinic").With(upsert, outOfService);
    }

    private static Command Services(App app)
    {
        var clinic = ClinicOption();
        var serviceId = Opts.Id("service-id", "Service id");
        var name = Opts.Required("--name", "Display name, e.g. \"NMT follow-up\"", "text");
        var minutes = new Option<int>("--minutes") { Description = "Treatment length in minutes", Required = true, HelpName = "minutes" };
        var turnover = Opts.Number("--turnover", "Room turnover (cleaning) minutes after the treatment [default: 0]");
        var features = Opts.Many("--feature", "Room feature the service needs", "tag");
        var qualification = Opts.Optional("--qualification", "Therapist qualification the service needs, e.g. nmt-certified", "code");
        var price = new Option<long?>("--price-minor") { Description = "Price in minor units (pence, cents)", HelpName = "amount" };
        var requestId = Opts.RequestId();
        var upsert = new Command("upsert", "Add a service, or replace the one with this id")
            .With(serviceId, clinic, name, minutes, turnover, features, qualification, price, requestId);
        upsert.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new UpsertServiceRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)),
                ClinicId = r.GetValue(clinic)!,
                Service = new Service
                {
                    ServiceId = r.GetValue(serviceId)!,
                    Name = r.GetValue(name)!,
                    DurationMinutes = r.GetValue(minutes),
                    TurnoverMinutes = r.GetValue(turnover) ?? 0,
                    RequiredFeatures = { r.GetValue(features) ?? [] },
                    RequiredQualification = r.GetValue(qualification) ?? "",
                    PriceMinor = r.GetValue(price) ?? 0,
                },
            };
            ShowClinic(ctx, await ctx.Clinics.UpsertServiceAsync(request, ctx.Call(ct)));
        }));
        return new Command("services", "Services (treatment types) of a clinic").With(upsert);
    }

    private static Command Hours(App app)
    {
        var clinic = ClinicOption();
        var ranges = new Argument<string[]>("ranges")
        {
            Description = "DAYS=HH:mm-HH:mm in clinic time, e.g. mon-fri=09:00-18:00 sat=10:00-14:00 (end 24:00 = midnight)",
            Arity = ArgumentArity.OneOrMore,
        };
        var requestId = Opts.RequestId();
        var set = new Command("set", "Replace a clinic's weekly opening hours; days not named are closed").With(ranges, clinic, requestId);
        set.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new SetOpeningHoursRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)),
                ClinicId = r.GetValue(clinic)!,
                OpeningHours = { (r.GetValue(ranges) ?? []).SelectMany(h => Args.OpeningRanges(h, "ranges")) },
            };
            ShowClinic(ctx, await ctx.Clinics.SetOpeningHoursAsync(request, ctx.Call(ct)));
        }));
        return new Command("hours", "Opening hours").With(set);
    }

    private static Command Closures(App app)
    {
        var clinic = ClinicOption();
        var from = Opts.Required("--from", "First closed date, yyyy-MM-dd", "date");
        var to = Opts.Optional("--to", "Last closed date, inclusive [default: --from]", "date");
        var reason = Opts.Optional("--reason", "e.g. \"Christmas\"");
        var requestId = Opts.RequestId();
        var add = new Command("add", "Close the clinic on whole dates").With(clinic, from, to, reason, requestId);
        add.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var first = Args.Date(r.GetValue(from)!, "--from");
            var request = new AddClosureRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)),
                ClinicId = r.GetValue(clinic)!,
                Closure = new Closure { FirstDate = first, LastDate = r.GetValue(to) is { } t ? Args.Date(t, "--to") : first, Reason = r.GetValue(reason) ?? "" },
            };
            ShowClinic(ctx, await ctx.Clinics.AddClosureAsync(request, ctx.Call(ct)));
        }));

        var removeClinic = ClinicOption();
        var removeFrom = Opts.Required("--from", "First date of the closure", "date");
        var removeTo = Opts.Optional("--to", "Last date of the closure [default: --from]", "date");
        var removeRequestId = Opts.RequestId();
        var remove = new Command("remove", "Remove the closure with exactly these dates").With(removeClinic, removeFrom, removeTo, removeRequestId);
        remove.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var first = Args.Date(r.GetValue(removeFrom)!, "--from");
            var request = new RemoveClosureRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(removeRequestId)),
                ClinicId = r.GetValue(removeClinic)!,
                FirstDate = first,
                LastDate = r.GetValue(removeTo) is { } t ? Args.Date(t, "--to") : first,
            };
            ShowClinic(ctx, await ctx.Clinics.RemoveClosureAsync(request, ctx.Call(ct)));
        }));
        return new Command("closures", "Closures (holidays)").With(add, remove);
    }
}
