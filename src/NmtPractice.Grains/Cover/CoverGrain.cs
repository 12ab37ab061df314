using Microsoft.Extensions.Options;

namespace NmtPractice.Grains.Cover;

/// <summary>
/// The cover coordinator. Records absences and roster changes through the therapist grain (the single writer of the
/// therapist), then settles what they strand: refused, cancelled through each appointment grain, or planned for cover
/// from the calendars (what therapists and rooms already hold) and stored in a <see cref="ICoverPlanGrain"/>.
/// Planning reads; only applying a plan moves appointments, through their grains and the ledger.
/// </summary>
[StatelessWorker]
public sealed class CoverGrain(
    AppointmentLedger ledger, ClientDirectory directory, AuditLog auditLog, IClock clock, IOptions<CoverOptions> options, ILogger<CoverGrain> logger)
    : Grain, ICoverGrain
{
    public const string RosterChangeReason = "roster-change";
    private const int MaxAbsenceDays = 366;
    public const int MaxReachMinutes = 24 * 60;

    async Task<Result<CoverPlan>> ICoverGrain.ReportAbsence(AbsenceReport report)
    {
        var invalid = Validation.First(
            RequestId(report.RequestId),
            Validation.Id("therapist_id", report.TherapistId),
            report.Kind is RosterExceptionKind.Leave or RosterExceptionKind.Sickness ? null : Refusal.Invalid("kind", "An absence is leave or sickness."),
            report.To <= report.From ? Refusal.Invalid("to", "The absence must end after it starts.") : null,
            report.To - report.From > Duration.FromDays(MaxAbsenceDays) ? Refusal.Invalid("to", $"Report at most {MaxAbsenceDays} days at a time.") : null,
            Validation.OptionalText("reason", report.Reason, Validation.MaxNameLength),
            report.ReachMinutes is < 0 or > MaxReachMinutes ? Refusal.Invalid("reach_minutes", $"The reach is 0 to {MaxReachMinutes} minutes.") : null);
        if (invalid is not null)
        {
            return invalid;
        }
        var planId = CoverIds.PlanId("absence", report.TherapistId, report.RequestId);
        var planGrain = GrainFactory.GetGrain<ICoverPlanGrain>(planId);
        if (await planGrain.Get() is { } existing)
        {
            return Result<CoverPlan>.Ok(await CoverContacts.Reveal(existing, directory, auditLog));
        }
        var kind = report.Kind == RosterExceptionKind.Sickness ? "sickness" : "leave";
        var exceptionId = $"{kind}-{planId:N}";
        var period = new Interval(report.From, report.To);
        var therapist = GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(report.TherapistId));
        var change = await therapist.AddExceptionChecked(
            new RosterException(exceptionId, report.Kind, period, null, report.Reason ?? ""), allowStranding: true);
        // A retry after the exception was recorded but before the plan was stored finds its own exception.
        if (change.Refusal is { } refusal && !(refusal.Reason == RefusalReason.AlreadyExists && refusal.Field == "exception_id"))
        {
            return refusal;
        }
        var now = clock.GetCurrentInstant();
        var during = await ledger.ListOccupyingForTherapistAsync(report.TherapistId, Instant.Max(now, period.Start), period.End);
        var affected = (change.Value?.Stranded ?? []).Concat(during)
            .Where(a => a.OccupiesAt(now) && a.Start >= now)
            .DistinctBy(a => a.Id)
            .ToList();
        logger.LogInformation("Therapist {TherapistId} absent ({Kind}) {From}-{To}: {Count} appointment(s) to cover, plan {PlanId}",
            report.TherapistId, kind, period.Start, period.End, affected.Count, planId);
        var cause = string.IsNullOrWhiteSpace(report.Reason) ? kind : $"{kind}: {report.Reason.Trim()}";
        var reach = report.ReachMinutes is { } minutes ? Duration.FromMinutes(minutes) : DefaultReach;
        var plan = await Plan(planId, report.TherapistId, affected, period.Start, period.End, cause, exceptionId, reach);
        // The stored plan keeps client ids only; the contact details are read (and the read audited) as it is returned.
        return Result<CoverPlan>.Ok(await CoverContacts.Reveal(await planGrain.Create(plan), directory, auditLog));
    }

    async Task<Result<RosterChange>> ICoverGrain.SetRosters(string requestId, string therapistId, IReadOnlyList<Roster> rosters, StrandedPolicy policy)
    {
        if (Validation.First(RequestId(requestId), Validation.Id("therapist_id", therapistId), Policy(policy)) is { } invalid)
        {
            return invalid;
        }
        var change = await GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapistId))
            .SetRostersChecked(rosters, allowStranding: policy != StrandedPolicy.Refuse);
        return await Settle(requestId, therapistId, change, policy, "roster change", "roster");
    }

    async Task<Result<RosterChange>> ICoverGrain.AddException(string requestId, string therapistId, RosterException exception, StrandedPolicy policy)
    {
        if (Validation.First(RequestId(requestId), Validation.Id("therapist_id", therapistId), Policy(policy)) is { } invalid)
        {
            return invalid;
        }
        var change = await GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapistId))
            .AddExceptionChecked(exception, allowStranding: policy != StrandedPolicy.Refuse);
        var cause = exception.Kind switch
        {
            RosterExceptionKind.Sickness => "sickness",
            RosterExceptionKind.Leave => "leave",
            _ => "roster exception",
        };
        return await Settle(requestId, therapistId, change, policy, string.IsNullOrWhiteSpace(exception.Note) ? cause : $"{cause}: {exception.Note.Trim()}", "exception:" + exception.Id);
    }

    private async Task<Result<RosterChange>> Settle(string requestId, string therapistId, Result<RosterChange> change, StrandedPolicy policy, string cause, string kind)
    {
        if (change.Refusal is not null || change.Value!.Stranded.Count == 0)
        {
            return change;
        }
        var stranded = change.Value.Stranded;
        if (policy == StrandedPolicy.Cancel)
        {
            var cancelled = new List<AppointmentRecord>();
            foreach (var appointment in stranded)
            {
                var result = await GrainFactory.GetGrain<IAppointmentGrain>(appointment.Id).Cancel(RosterChangeReason);
                if (result.Value is { } record)
                {
                    cancelled.Add(record);
                }
                else
                {
                    logger.LogWarning("Could not cancel stranded appointment {AppointmentId}: {Reason}", appointment.Id, result.Refusal!.Message);
                }
            }
            return Result<RosterChange>.Ok(change.Value with { Cancelled = cancelled });
        }
        var planId = CoverIds.PlanId(kind, therapistId, requestId);
        var planGrain = GrainFactory.GetGrain<ICoverPlanGrain>(planId);
        var plan = await planGrain.Get()
            ?? await planGrain.Create(await Plan(planId, therapistId, stranded, stranded.Min(a => a.Start), stranded.Max(a => a.End), cause, null, DefaultReach));
        return Result<RosterChange>.Ok(change.Value with { Plan = plan });
    }

    /// <summary>Proposes cover for <paramref name="appointments"/> of the absent therapist (see <see cref="CoverPlanner"/>).</summary>
    private async Task<CoverPlan> Plan(
        Guid planId, string absentTherapistId, IReadOnlyList<AppointmentRecord> appointments, Instant from, Instant to, string cause, string? exceptionId,
        Duration reach)
    {
        var now = clock.GetCurrentInstant();
        if (appointments.Count == 0)
        {
            return new CoverPlan(planId, absentTherapistId, from, to, cause, now, [], exceptionId);
        }
        var chain = GrainFactory.GetGrain<IChainGrain>(GrainKeys.Chain);
        var travel = await chain.GetTravel();
        var clinicList = await Task.WhenAll((await chain.ListClinics()).Select(id => GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(id)).Get()));
        var clinics = clinicList.OfType<Clinic>().ToDictionary(c => c.Id, StringComparer.Ordinal);

        // Every clinic that may take over, and the clinic-local dates concerned there.
        var places = new HashSet<(string ClinicId, LocalDate Date)>();
        foreach (var a in appointments)
        {
            if (clinics.TryGetValue(a.ClinicId, out var origin))
            {
                foreach (var clinic in CoverPlanner.ClinicsInReach(origin, a.ServiceId, clinics, travel, reach))
                {
                    places.Add((clinic.Id, clinic.LocalDateOf(a.Start)));
                }
            }
        }
        var rosteredIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var clinicId in places.Select(p => p.ClinicId).Distinct())
        {
            rosteredIds.UnionWith(await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinicId)).RosteredTherapists());
        }
        rosteredIds.Remove(absentTherapistId);
        var loaded = await Task.WhenAll(rosteredIds.Select(id => GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(id)).Get()));
        var candidates = loaded.OfType<Therapist>().ToList();

        // What the calendars hold: rooms per clinic-day, and each candidate working at one of those places that day.
        var roomTasks = places.ToDictionary(p => p, p => GrainFactory.GetGrain<IClinicDayGrain>(GrainKeys.ClinicDay(p.ClinicId, p.Date)).GetBookings());
        var therapistDays = places
            .SelectMany(p => candidates
                .Where(t => t.WorkingIntervals(p.ClinicId, clinics[p.ClinicId].Zone, p.Date).Count > 0)
                .Select(t => (t.Id, p.Date)))
            .Distinct()
            .ToList();
        var therapistTasks = therapistDays.ToDictionary(k => k, k => GrainFactory.GetGrain<ITherapistDayGrain>(GrainKeys.TherapistDay(k.Id, k.Date)).GetBookings());
        await Task.WhenAll(roomTasks.Values.Cast<Task>().Concat(therapistTasks.Values));

        var context = new CoverContext(
            clinics,
            candidates,
            (therapistId, date) => therapistTasks.TryGetValue((therapistId, date), out var t) ? t.Result : [],
            (clinicId, date) => roomTasks.TryGetValue((clinicId, date), out var r) ? r.Result : [],
            travel,
            reach,
            now);
        var proposals = CoverPlanner.Propose(appointments, context).ToDictionary(p => p.AppointmentId);

        var items = appointments.OrderBy(a => a.Start).ThenBy(a => a.Id).Select(a =>
        {
            var p = proposals[a.Id];
            // No name or phone here: plans are stored, and contact details are read from the directory when shown.
            var item = new CoverItem(a.Id, a.ClientId, "", null, a.ServiceId, a.Start, a.End,
                a.ClinicId, a.TherapistId, a.RoomId, CoverItemStatus.Uncovered);
            return p.Kind == CoverKind.Uncovered
                ? item with { Reason = p.Reason, ReasonCode = "NO_COVER" }
                : item with { Status = CoverItemStatus.Proposed, NewClinicId = p.ClinicId, NewTherapistId = p.TherapistId, NewRoomId = p.RoomId, NewEnd = p.End };
        }).ToList();
        return new CoverPlan(planId, absentTherapistId, from, to, cause, now, items, exceptionId);
    }

    private Duration DefaultReach => Duration.FromMinutes(Math.Clamp(options.Value.ReachMinutes, 0, MaxReachMinutes));

    private static Refusal? RequestId(string? requestId) => BookingLimits.CheckRequestId(requestId);

    private static Refusal? Policy(StrandedPolicy policy) =>
        Enum.IsDefined(policy) ? null : Refusal.Invalid("stranded_policy", "stranded_policy is REFUSE, CANCEL or COVER.");
}
