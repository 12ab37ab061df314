namespace NmtPractice.Cli.Commands;

/// <summary>StaffService: `therapists` (qualifications, rosters, leave and other exceptions) and `travel`.</summary>
internal static class StaffCommands
{
    public static IEnumerable<Command> Create(App app)
    {
        yield return Therapists(app);
        yield return Travel(app);
        yield return Cover(app);
    }

    private static Option<string?> Stranded() => Opts.Optional("--stranded",
        "What to do with booked appointments the change would leave outside rostered time: refuse (default), cancel or cover", "policy");

    private static StrandedPolicy StrandedPolicyOf(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "refuse" => StrandedPolicy.Refuse,
        "cancel" => StrandedPolicy.Cancel,
        "cover" => StrandedPolicy.Cover,
        _ => throw new CliUsageException("--stranded", "--stranded: give refuse, cancel or cover."),
    };

    /// <summary>After a roster change: the therapist, then what the stranded policy did (from the response trailers).</summary>
    private static async Task ShowChange(CliContext ctx, AsyncUnaryCall<Therapist> call, CancellationToken ct)
    {
        var therapist = await call;
        var trailers = call.GetTrailers();
        await ShowTherapist(ctx, therapist, ct);
        if (trailers.GetValue("nmt-cancelled-appointments") is { Length: > 0 } cancelled && !ctx.Json)
        {
            ctx.Console.Write(new Markup($"[yellow]Cancelled (roster-change):[/] {Markup.Escape(cancelled.Replace(",", ", ", StringComparison.Ordinal))}\n"));
        }
        if (trailers.GetValue("nmt-cover-plan-id") is { Length: > 0 } planId)
        {
            var plan = await ctx.Staff.GetCoverPlanAsync(new GetCoverPlanRequest { PlanId = planId }, ctx.Call(ct));
            await ShowPlan(ctx, plan, ct);
        }
    }

    private static async Task<Func<string, DateTimeZone>> ZonesOf(CliContext ctx, IEnumerable<CoverItem> items, CancellationToken ct)
    {
        var zones = new Dictionary<string, DateTimeZone>(StringComparer.Ordinal);
        foreach (var clinicId in items.Select(i => i.ClinicId).Distinct())
        {
            zones[clinicId] = await ctx.ClinicZone(clinicId, ct);
        }
        return id => zones.GetValueOrDefault(id) ?? DateTimeZone.Utc;
    }

    private static async Task ShowPlan(CliContext ctx, CoverPlan plan, CancellationToken ct)
    {
        if (ctx.Json)
        {
            ctx.Print(plan, _ => { });
            return;
        }
        CoverView.Plan(ctx.Console, plan, await ZonesOf(ctx, plan.Items, ct));
    }

    private static async Task ShowOutcome(CliContext ctx, ApplyCoverResponse outcome, CancellationToken ct)
    {
        if (ctx.Json)
        {
            ctx.Print(outcome, _ => { });
            return;
        }
        CoverView.Outcome(ctx.Console, outcome, await ZonesOf(ctx, outcome.Items, ct));
    }

    /// <summary>`therapists sick`: report an absence, see the cover plan, optionally apply it at once.</summary>
    private static Command Sick(App app)
    {
        var therapist = Opts.Required("--therapist", "The therapist who is off");
        var from = Opts.Required("--from", "Start, e.g. 2026-12-01T00:00 (clinic time) or with an offset", "time");
        var to = Opts.Required("--to", "End (exclusive)", "time");
        var leave = new Option<bool>("--leave") { Description = "Leave rather than sickness" };
        var reason = Opts.Optional("--reason", "Free text, e.g. flu");
        var reach = Opts.Number("--reach", "Cover at other clinics up to this many minutes' travel away [default: the server's, 45]; 0: same clinic only");
        var apply = new Option<bool>("--apply") { Description = "Apply the plan at once (each appointment moves atomically; failures are listed)" };
        var zone = Opts.Zone();
        var requestId = Opts.RequestId();
        var command = new Command("sick", "Report a therapist off sick (or on leave) and propose cover for their bookings")
            .With(therapist, from, to, leave, reason, reach, apply, zone, requestId);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var therapistId = r.GetValue(therapist)!;
            var fromWhen = Args.When(r.GetValue(from)!, "--from");
            var toWhen = Args.When(r.GetValue(to)!, "--to");
            string? zoneClinic = null;
            if ((fromWhen.NeedsZone || toWhen.NeedsZone) && string.IsNullOrEmpty(r.GetValue(zone)))
            {
                var current = await ctx.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = therapistId }, ctx.Call(ct));
                zoneClinic = current.Rosters.FirstOrDefault()?.ClinicId;
            }
            var request = new ReportAbsenceRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)),
                TherapistId = therapistId,
                Kind = r.GetValue(leave) ? RosterExceptionKind.Leave : RosterExceptionKind.Sickness,
                Start = Args.Timestamp(await ctx.Resolve(fromWhen, r.GetValue(zone), zoneClinic, "--from", ct)),
                End = Args.Timestamp(await ctx.Resolve(toWhen, r.GetValue(zone), zoneClinic, "--to", ct)),
                Reason = r.GetValue(reason) ?? "",
            };
            if (r.GetValue(reach) is { } minutes)
            {
                request.ReachMinutes = minutes;
            }
            var plan = await ctx.Staff.ReportAbsenceAsync(request, ctx.Call(ct));
            await ShowPlan(ctx, plan, ct);
            if (r.GetValue(apply))
            {
                var outcome = await ctx.Staff.ApplyCoverAsync(new ApplyCoverRequest { RequestId = request.RequestId + "-apply", PlanId = plan.PlanId }, ctx.Call(ct));
                await ShowOutcome(ctx, outcome, ct);
            }
        }));
        return command;
    }

    /// <summary>`cover show|apply`: read a cover plan, apply it wholly or for some appointments.</summary>
    private static Command Cover(App app)
    {
        var showId = Opts.Id("plan-id", "The cover plan's id");
        var show = new Command("show", "Show a cover plan: each affected appointment, its proposed cover or the client to contact").With(showId);
        show.SetAction(app.Run(async (ctx, r, ct) =>
            await ShowPlan(ctx, await ctx.Staff.GetCoverPlanAsync(new GetCoverPlanRequest { PlanId = r.GetValue(showId) }, ctx.Call(ct)), ct)));

        var applyId = Opts.Id("plan-id", "The cover plan's id");
        var appointments = Opts.Many("--appointment", "Apply only to this appointment (repeatable) [default: every proposed one]", "id");
        var requestId = Opts.RequestId();
        var apply = new Command("apply", "Apply a cover plan: each appointment moves atomically; failures are listed with the clients to contact")
            .With(applyId, appointments, requestId);
        apply.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new ApplyCoverRequest { RequestId = CliContext.RequestId(r.GetValue(requestId)), PlanId = r.GetValue(applyId)! };
            request.AppointmentIds.AddRange(r.GetValue(appointments) ?? []);
            await ShowOutcome(ctx, await ctx.Staff.ApplyCoverAsync(request, ctx.Call(ct)), ct);
        }));
        return new Command("cover", "Cover plans for absent therapists (see `therapists sick`)").With(show, apply);
    }

    private static async Task ShowTherapist(CliContext ctx, Therapist therapist, CancellationToken ct)
    {
        if (ctx.Json)
        {
            ctx.Print(therapist, _ => { });
            return;
        }
        var zones = new Dictionary<string, DateTimeZone>(StringComparer.Ordinal);
        foreach (var clinicId in therapist.Rosters.Select(r => r.ClinicId).Concat(therapist.Exceptions.Select(e => e.ClinicId)).Where(c => c.Length > 0).Distinct())
        {
            zones[clinicId] = await ctx.ClinicZone(clinicId, ct);
        }
        Tables.Therapist(ctx.Console, therapist, id => zones.GetValueOrDefault(id) ?? DateTimeZone.Utc);
    }

    private static Command Therapists(App app)
    {
        var listClinic = Opts.Optional("--clinic", "Only therapists rostered at this clinic", "id");
        var list = new Command("list", "List therapists").With(listClinic);
        list.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var (therapists, _) = await Opts.Pages(async token => await ctx.Staff.ListTherapistsAsync(
                    new ListTherapistsRequest { PageSize = 500, PageToken = token, ClinicId = r.GetValue(listClinic) ?? "" }, ctx.Call(ct)), p => p.Therapists, p => p.NextPageToken);
            ctx.Print(new ListTherapistsResponse { Therapists = { therapists } }, c => Tables.Therapists(c, therapists));
        }));

        var getId = Opts.Id("therapist-id", "Therapist id");
        var get = new Command("get", "Show a therapist: qualifications, rosters, leave").With(getId);
        get.SetAction(app.Run(async (ctx, r, ct) =>
            await ShowTherapist(ctx, await ctx.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = r.GetValue(getId) }, ctx.Call(ct)), ct)));

        var createId = Opts.Id("therapist-id", "New therapist's id");
        var name = Opts.Required("--name", "Full name", "text");
        var createQualifications = Opts.Many("--qualification", "CODE[:yyyy-MM-dd expiry], e.g. nmt-certified:2027-12-31", "code");
        var createRequestId = Opts.RequestId();
        var create = new Command("create", "Create a therapist (add rosters with `therapists roster set`)").With(createId, name, createQualifications, createRequestId);
        create.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new CreateTherapistRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(createRequestId)),
                TherapistId = r.GetValue(createId)!,
                Name = r.GetValue(name)!,
                Qualifications = { (r.GetValue(createQualifications) ?? []).Select(q => Args.Qualification(q, "--qualification")) },
            };
            await ShowTherapist(ctx, await ctx.Staff.CreateTherapistAsync(request, ctx.Call(ct)), ct);
        }));

        var qualId = Opts.Id("therapist-id", "Therapist id");
        var codes = new Argument<string[]>("qualifications") { Description = "CODE[:yyyy-MM-dd] ... (replaces them all)", Arity = ArgumentArity.ZeroOrMore };
        var clear = new Option<bool>("--clear") { Description = "Remove every qualification" };
        var qualRequestId = Opts.RequestId();
        var qualifications = new Command("qualifications", "Replace a therapist's qualifications").With(qualId, codes, clear, qualRequestId);
        qualifications.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var given = r.GetValue(codes) ?? [];
            if (given.Length == 0 && !r.GetValue(clear))
            {
                throw new CliUsageException("qualifications", "Name the qualifications (they replace the current ones), or pass --clear to remove them all.");
            }
            var request = new SetQualificationsRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(qualRequestId)),
                TherapistId = r.GetValue(qualId)!,
                Qualifications = { given.Select(q => Args.Qualification(q, "qualifications")) },
            };
            await ShowTherapist(ctx, await ctx.Staff.SetQualificationsAsync(request, ctx.Call(ct)), ct);
        }));

        return new Command("therapists", "Therapists: list, show, create, qualifications, rosters, leave, sickness cover")
            .With(list, get, create, qualifications, Roster(app), Leave(app), Exception(app), Sick(app));
    }

    private static Command Roster(App app)
    {
        var therapistId = Opts.Id("therapist-id", "Therapist id");
        var clinic = Opts.Required("--clinic", "Clinic the roster is for");
        var shifts = Opts.Many("--shift", "[wN:]DAYS=HH:mm-HH:mm in clinic time, e.g. mon-fri=09:00-17:00 or w1:sat=10:00-14:00", "shift");
        var cycle = Opts.Number("--cycle-weeks", "Weeks in a rotating pattern (1 weekly, 2 fortnightly, at most 12) [default: 1]", "weeks");
        var anchor = Opts.Optional("--anchor", "A date in week 0 of the cycle [default: --valid-from; for a weekly roster, today]", "date");
        var validFrom = Opts.Optional("--valid-from", "First date the roster applies (inclusive)", "date");
        var validUntil = Opts.Optional("--valid-until", "Last date the roster applies (inclusive)", "date");
        var requestId = Opts.RequestId();
        var stranded = Stranded();
        var set = new Command("set",
            "Set a therapist's roster at one clinic; rosters at other clinics are kept. No --shift removes the roster at that clinic.")
            .With(therapistId, clinic, shifts, cycle, anchor, validFrom, validUntil, stranded, requestId);
        set.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var id = r.GetValue(therapistId)!;
            var clinicId = r.GetValue(clinic)!;
            var newShifts = (r.GetValue(shifts) ?? []).SelectMany(s => Args.Shifts(s, "--shift")).ToList();
            var cycleWeeks = r.GetValue(cycle) ?? Math.Max(1, newShifts.Select(s => s.Week + 1).DefaultIfEmpty(1).Max());
            var current = await ctx.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = id }, ctx.Call(ct));
            var request = new SetRostersRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)), TherapistId = id, StrandedPolicy = StrandedPolicyOf(r.GetValue(stranded)),
            };
            request.Rosters.AddRange(current.Rosters.Where(x => x.ClinicId != clinicId));
            if (newShifts.Count > 0)
            {
                var from = r.GetValue(validFrom) is { } f ? Args.Date(f, "--valid-from") : "";
                var anchorDate = r.GetValue(anchor) is { } a ? Args.Date(a, "--anchor") : from;
                if (anchorDate.Length == 0)
                {
                    // A weekly pattern has one week, so any date anchors it; a rotating one needs the operator to say which week is week 0.
                    anchorDate = cycleWeeks == 1
                        ? SystemClock.Instance.GetCurrentInstant().InUtc().Date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)
                        : throw new CliUsageException("--anchor", "A rotating roster (--cycle-weeks above 1) needs --anchor or --valid-from to fix which week is week 0.");
                }
                request.Rosters.Add(new Roster
                {
                    ClinicId = clinicId,
                    CycleWeeks = cycleWeeks,
                    AnchorDate = anchorDate,
                    ValidFrom = from,
                    ValidUntil = r.GetValue(validUntil) is { } u ? Args.Date(u, "--valid-until") : "",
                    Shifts = { newShifts },
                });
            }
            await ShowChange(ctx, ctx.Staff.SetRostersAsync(request, ctx.Call(ct)), ct);
        }));
        return new Command("roster", "A therapist's shift patterns").With(set);
    }

    /// <summary>`leave add`: an exception of kind leave (or sickness with --sick).</summary>
    private static Command Leave(App app)
    {
        var add = ExceptionAdd(app, "add", "Record leave (or, with --sick, sickness) for [from, to)", fixedKind: true);
        return new Command("leave", "Leave and sickness").With(add);
    }

    private static Command Exception(App app)
    {
        var add = ExceptionAdd(app, "add", "Add a roster exception: leave, sickness, or an extra shift at a clinic", fixedKind: false);
        var therapistId = Opts.Id("therapist-id", "Therapist id");
        var exceptionId = Opts.Id("exception-id", "The exception's id (see `therapists get`)");
        var requestId = Opts.RequestId();
        var remove = new Command("remove", "Remove a roster exception (leave, sickness, extra shift)").With(therapistId, exceptionId, requestId);
        remove.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new RemoveRosterExceptionRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)),
                TherapistId = r.GetValue(therapistId)!,
                ExceptionId = r.GetValue(exceptionId)!,
            };
            await ShowTherapist(ctx, await ctx.Staff.RemoveRosterExceptionAsync(request, ctx.Call(ct)), ct);
        }));
        return new Command("exception", "Roster exceptions").With(add, remove);
    }

    private static Command ExceptionAdd(App app, string name, string description, bool fixedKind)
    {
        var therapistId = Opts.Id("therapist-id", "Therapist id");
        var from = Opts.Required("--from", "Start, e.g. 2026-12-01T00:00 (clinic time) or with an offset", "time");
        var to = Opts.Required("--to", "End (exclusive)", "time");
        var kind = Opts.Optional("--kind", "leave, sickness or extra-shift [default: leave]", "kind");
        var sick = new Option<bool>("--sick") { Description = "Sickness rather than leave" };
        var clinic = Opts.Optional("--clinic", "The clinic of an extra shift; also the zone of times without an offset", "id");
        var zone = Opts.Zone();
        var note = Opts.Optional("--note", "Free text");
        var id = Opts.Optional("--id", "The exception's id [default: generated]", "id");
        var requestId = Opts.RequestId();
        var stranded = Stranded();
        var command = new Command(name, description).With(therapistId, from, to);
        command.With(fixedKind ? sick : kind).With(clinic, zone, note, id, stranded, requestId);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var therapist = r.GetValue(therapistId)!;
            var exceptionKind = fixedKind
                ? (r.GetValue(sick) ? RosterExceptionKind.Sickness : RosterExceptionKind.Leave)
                : r.GetValue(kind) is { } k ? Args.ExceptionKind(k, "--kind") : RosterExceptionKind.Leave;
            var clinicId = r.GetValue(clinic);
            if (exceptionKind == RosterExceptionKind.ExtraShift && string.IsNullOrEmpty(clinicId))
            {
                throw new CliUsageException("--clinic", "An extra shift needs --clinic.");
            }
            var fromWhen = Args.When(r.GetValue(from)!, "--from");
            var toWhen = Args.When(r.GetValue(to)!, "--to");
            var zoneClinic = clinicId;
            if ((fromWhen.NeedsZone || toWhen.NeedsZone) && string.IsNullOrEmpty(zoneClinic) && string.IsNullOrEmpty(r.GetValue(zone)))
            {
                var current = await ctx.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = therapist }, ctx.Call(ct));
                zoneClinic = current.Rosters.FirstOrDefault()?.ClinicId;
            }
            var start = await ctx.Resolve(fromWhen, r.GetValue(zone), zoneClinic, "--from", ct);
            var end = await ctx.Resolve(toWhen, r.GetValue(zone), zoneClinic, "--to", ct);
            var request = new AddRosterExceptionRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)),
                TherapistId = therapist,
                StrandedPolicy = StrandedPolicyOf(r.GetValue(stranded)),
                Exception = new RosterException
                {
                    ExceptionId = r.GetValue(id) ?? $"{Tables.KindName(exceptionKind)}-{Guid.NewGuid().ToString("N")[..12]}",
                    Kind = exceptionKind,
                    Start = Args.Timestamp(start),
                    End = Args.Timestamp(end),
                    ClinicId = clinicId ?? "",
                    Note = r.GetValue(note) ?? "",
                },
            };
            await ShowChange(ctx, ctx.Staff.AddRosterExceptionAsync(request, ctx.Call(ct)), ct);
        }));
        return command;
    }

    private static Command Travel(App app)
    {
        var get = new Command("get", "Show travel times between clinics");
        get.SetAction(app.Run(async (ctx, _, ct) =>
        {
            var travel = await ctx.Staff.GetTravelTimesAsync(new GetTravelTimesRequest(), ctx.Call(ct));
            ctx.Print(travel, c => Tables.Travel(c, travel));
        }));

        var defaultMinutes = new Option<int>("--default") { Description = "Minutes between any two clinics not listed", Required = true, HelpName = "minutes" };
        var pairs = Opts.Many("--pair", "CLINIC:CLINIC=MINUTES, the same both ways, e.g. soho:camden=25", "pair");
        var requestId = Opts.RequestId();
        var set = new Command("set", "Replace the chain's travel times").With(defaultMinutes, pairs, requestId);
        set.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new SetTravelTimesRequest
            {
                RequestId = CliContext.RequestId(r.GetValue(requestId)),
                TravelTimes = new TravelTimes
                {
                    DefaultMinutes = r.GetValue(defaultMinutes),
                    Pairs = { (r.GetValue(pairs) ?? []).Select(p => Args.TravelPair(p, "--pair")) },
                },
            };
            var travel = await ctx.Staff.SetTravelTimesAsync(request, ctx.Call(ct));
            ctx.Print(travel, c => Tables.Travel(c, travel));
        }));
        return new Command("travel", "Travel time between clinics (for therapists working at two in a day)").With(get, set);
    }
}
