using DomainException = NmtPractice.Domain.Staff.RosterException;
using DomainExceptionKind = NmtPractice.Domain.Staff.RosterExceptionKind;
using DomainQualification = NmtPractice.Domain.Staff.Qualification;
using DomainRoster = NmtPractice.Domain.Staff.Roster;
using DomainShift = NmtPractice.Domain.Staff.RosterShift;
using DomainTherapist = NmtPractice.Domain.Staff.Therapist;
using DomainTravel = NmtPractice.Domain.Staff.TravelMatrix;
using DomainTravelTime = NmtPractice.Domain.Staff.TravelTime;
using DomainPolicy = NmtPractice.Grains.Abstractions.Cover.StrandedPolicy;

namespace NmtPractice.Api.Grpc;

/// <summary>Therapists, qualifications, rosters, roster exceptions and travel times: validates, maps and calls the grains.</summary>
public sealed class StaffGrpcService(IGrainFactory grains, ILogger<StaffGrpcService> logger) : StaffService.StaffServiceBase
{
    public const int MaxQualifications = 50;
    public const int MaxRosters = 50;
    public const int MaxShifts = 7 * 8 * 12;
    public const int MaxTravelPairs = 1000;
    public const int MaxCoverAppointments = 1000;
    public const int MaxReachMinutes = 24 * 60;

    /// <summary>Response trailer of SetRosters and AddRosterException with policy CANCEL: the cancelled appointment ids, comma-separated.</summary>
    public const string CancelledTrailer = "nmt-cancelled-appointments";

    /// <summary>Response trailer of SetRosters and AddRosterException with policy COVER: the cover plan's id.</summary>
    public const string CoverPlanTrailer = "nmt-cover-plan-id";

    public override async Task<V1.Therapist> CreateTherapist(CreateTherapistRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var therapistId = WireFormat.Id(request.TherapistId, "therapist_id");
        var name = WireFormat.RequiredText(request.Name, "name");
        var qualifications = MapQualifications(request.Qualifications);
        var rosters = MapRosters(request.Rosters);
        logger.LogInformation("Creating therapist {TherapistId}", therapistId);
        var created = (await Therapist(therapistId).Create(new DomainTherapist(therapistId, name, qualifications, rosters, []))).OrThrow();
        return MapTherapist(created);
    }

    public override async Task<V1.Therapist> GetTherapist(GetTherapistRequest request, ServerCallContext context)
    {
        var therapistId = WireFormat.Id(request.TherapistId, "therapist_id");
        return MapTherapist(await grains.ExistingTherapist(therapistId));
    }

    public override async Task<ListTherapistsResponse> ListTherapists(ListTherapistsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var clinicId = WireFormat.OptionalId(request.ClinicId, "clinic_id");
        IReadOnlyList<string> ids;
        if (clinicId is null)
        {
            ids = await grains.GetGrain<IChainGrain>(GrainKeys.Chain).ListTherapists();
        }
        else
        {
            _ = await grains.ExistingClinic(clinicId);
            ids = await grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinicId)).RosteredTherapists();
        }
        var (therapists, next) = await Paging.FetchByKey(ids, pageSize, request.PageToken, id => Therapist(id).Get());
        var response = new ListTherapistsResponse { NextPageToken = next };
        response.Therapists.AddRange(therapists.Select(MapTherapist));
        return response;
    }

    public override async Task<V1.Therapist> SetQualifications(SetQualificationsRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var therapistId = WireFormat.Id(request.TherapistId, "therapist_id");
        var qualifications = MapQualifications(request.Qualifications);
        return MapTherapist((await Therapist(therapistId).SetQualifications(qualifications)).OrThrow());
    }

    public override async Task<V1.Therapist> SetRosters(SetRostersRequest request, ServerCallContext context)
    {
        var policy = MapPolicy(request.StrandedPolicy);
        var requestId = PolicyRequestId(request.RequestId, policy);
        var therapistId = WireFormat.Id(request.TherapistId, "therapist_id");
        var rosters = MapRosters(request.Rosters);
        var change = (await Cover.SetRosters(requestId, therapistId, rosters, policy)).OrThrow();
        return Settled(change, context);
    }

    public override async Task<V1.Therapist> AddRosterException(AddRosterExceptionRequest request, ServerCallContext context)
    {
        var policy = MapPolicy(request.StrandedPolicy);
        var requestId = PolicyRequestId(request.RequestId, policy);
        var therapistId = WireFormat.Id(request.TherapistId, "therapist_id");
        var exception = MapException(WireFormat.Required(request.Exception, "exception"), "exception");
        var change = (await Cover.AddException(requestId, therapistId, exception, policy)).OrThrow();
        return Settled(change, context);
    }

    public override async Task<V1.CoverPlan> ReportAbsence(ReportAbsenceRequest request, ServerCallContext context)
    {
        var requestId = WireFormat.RequestId(request.RequestId, required: true)!;
        var therapistId = WireFormat.Id(request.TherapistId, "therapist_id");
        var kind = request.Kind switch
        {
            RosterExceptionKind.Leave => DomainExceptionKind.Leave,
            RosterExceptionKind.Sickness => DomainExceptionKind.Sickness,
            _ => throw ApiErrors.ToRpcException(Refusal.Invalid("kind", "kind must be LEAVE or SICKNESS.")),
        };
        var start = WireFormat.Instant(request.Start, "start");
        var end = WireFormat.Instant(request.End, "end");
        if (end <= start)
        {
            ApiErrors.ThrowInvalid("end", "The absence must end after it starts.");
        }
        var reason = WireFormat.Text(request.Reason, "reason", Validation.MaxNameLength);
        int? reach = null;
        if (request.HasReachMinutes)
        {
            reach = (int)WireFormat.Minutes(request.ReachMinutes, "reach_minutes", 0, MaxReachMinutes).TotalMinutes;
        }
        logger.LogInformation("Absence of therapist {TherapistId} ({Kind}) {Start}-{End} (request {RequestId})", therapistId, kind, start, end, requestId);
        var plan = (await Cover.ReportAbsence(new AbsenceReport(requestId, therapistId, start, end, kind, reason, reach))).OrThrow();
        return ScheduleMapping.Plan(plan);
    }

    public override async Task<V1.CoverPlan> GetCoverPlan(GetCoverPlanRequest request, ServerCallContext context)
    {
        var planId = PlanId(request.PlanId);
        var plan = await grains.GetGrain<ICoverPlanGrain>(planId).Read()
            ?? throw ApiErrors.NotFound("plan_id", $"Cover plan {planId} does not exist.");
        return ScheduleMapping.Plan(plan);
    }

    public override async Task<ApplyCoverResponse> ApplyCover(ApplyCoverRequest request, ServerCallContext context)
    {
        var requestId = WireFormat.RequestId(request.RequestId, required: true)!;
        var planId = PlanId(request.PlanId);
        WireFormat.Count(request.AppointmentIds, "appointment_ids", MaxCoverAppointments);
        var appointmentIds = request.AppointmentIds.Select((id, i) => id.Length <= 64 && Guid.TryParse(id, out var g)
            ? g
            : throw ApiErrors.ToRpcException(Refusal.Invalid($"appointment_ids[{i}]", "Not an appointment id (a UUID)."))).ToList();
        logger.LogInformation("Applying cover plan {PlanId} to {Count} appointment(s) (request {RequestId})",
            planId, appointmentIds.Count == 0 ? "all" : appointmentIds.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), requestId);
        var outcome = (await grains.GetGrain<ICoverPlanGrain>(planId).Apply(requestId, appointmentIds)).OrThrow();
        return ScheduleMapping.Outcome(outcome);
    }

    public override async Task<TherapistWeek> GetTherapistWeek(GetTherapistWeekRequest request, ServerCallContext context)
    {
        var therapistId = WireFormat.Id(request.TherapistId, "therapist_id");
        var startDate = WireFormat.Date(request.StartDate, "start_date");
        var days = request.Days == 0 ? 7 : request.Days;
        if (days is < 1 or > IScheduleViewGrain.MaxDays)
        {
            ApiErrors.ThrowInvalid("days", $"days is 1 to {IScheduleViewGrain.MaxDays} (0 means 7).");
        }
        var view = (await grains.GetGrain<IScheduleViewGrain>(0).TherapistWeek(therapistId, startDate, days)).OrThrow();
        var week = ScheduleMapping.Week(view);
        week.Absences.AddRange(view.Absences.Select(MapException));
        return week;
    }

    public override async Task<V1.Therapist> RemoveRosterException(RemoveRosterExceptionRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var therapistId = WireFormat.Id(request.TherapistId, "therapist_id");
        var exceptionId = WireFormat.Id(request.ExceptionId, "exception_id");
        return MapTherapist((await Therapist(therapistId).RemoveException(exceptionId)).OrThrow());
    }

    public override async Task<TravelTimes> SetTravelTimes(SetTravelTimesRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var travel = MapTravel(WireFormat.Required(request.TravelTimes, "travel_times"));
        return MapTravel((await grains.GetGrain<IChainGrain>(GrainKeys.Chain).SetTravel(travel)).OrThrow());
    }

    public override async Task<TravelTimes> GetTravelTimes(GetTravelTimesRequest request, ServerCallContext context) =>
        MapTravel(await grains.GetGrain<IChainGrain>(GrainKeys.Chain).GetTravel());

    private ITherapistGrain Therapist(string therapistId) => grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapistId));

    private ICoverGrain Cover => grains.GetGrain<ICoverGrain>(0);

    /// <summary>The therapist as changed; what the change cancelled or the plan it made travel in response trailers.</summary>
    private static V1.Therapist Settled(RosterChange change, ServerCallContext context)
    {
        if (change.Cancelled.Count > 0)
        {
            context.ResponseTrailers.Add(CancelledTrailer, string.Join(",", change.Cancelled.Select(a => a.Id)));
        }
        if (change.Plan is { } plan)
        {
            context.ResponseTrailers.Add(CoverPlanTrailer, plan.PlanId.ToString());
        }
        return MapTherapist(change.Therapist);
    }

    private static DomainPolicy MapPolicy(V1.StrandedPolicy policy) => policy switch
    {
        V1.StrandedPolicy.Refuse => DomainPolicy.Refuse,
        V1.StrandedPolicy.Cancel => DomainPolicy.Cancel,
        V1.StrandedPolicy.Cover => DomainPolicy.Cover,
        _ => throw ApiErrors.ToRpcException(Refusal.Invalid("stranded_policy", "stranded_policy is REFUSE, CANCEL or COVER.")),
    };

    /// <summary>A cover plan is named by its request, so COVER needs a request id; otherwise one is made up when missing.</summary>
    private static string PolicyRequestId(string value, DomainPolicy policy) =>
        WireFormat.RequestId(value, required: policy == DomainPolicy.Cover) ?? Guid.NewGuid().ToString();

    private static Guid PlanId(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            ApiErrors.ThrowInvalid("plan_id", "plan_id is required.");
        }
        return value.Length <= 64 && Guid.TryParse(value, out var id)
            ? id
            : throw ApiErrors.ToRpcException(Refusal.Invalid("plan_id", "plan_id is not a cover plan id (a UUID)."));
    }

    private static List<DomainQualification> MapQualifications(IReadOnlyList<V1.Qualification> qualifications)
    {
        WireFormat.Count(qualifications, "qualifications", MaxQualifications);
        return qualifications.Select((q, i) => new DomainQualification(
            WireFormat.Id(q.Code, $"qualifications[{i}].code"),
            WireFormat.OptionalDate(q.ExpiresOn, $"qualifications[{i}].expires_on"))).ToList();
    }

    private static List<DomainRoster> MapRosters(IReadOnlyList<V1.Roster> rosters)
    {
        WireFormat.Count(rosters, "rosters", MaxRosters);
        return rosters.Select((r, i) => MapRoster(r, $"rosters[{i}]")).ToList();
    }

    private static DomainRoster MapRoster(V1.Roster r, string prefix)
    {
        var clinicId = WireFormat.Id(r.ClinicId, WireFormat.Join(prefix, "clinic_id"));
        if (r.CycleWeeks < 1 || r.CycleWeeks > DomainRoster.MaxCycleWeeks)
        {
            ApiErrors.ThrowInvalid(WireFormat.Join(prefix, "cycle_weeks"), $"A roster repeats every 1 to {DomainRoster.MaxCycleWeeks} weeks.");
        }
        var anchor = WireFormat.Date(r.AnchorDate, WireFormat.Join(prefix, "anchor_date"));
        var from = WireFormat.OptionalDate(r.ValidFrom, WireFormat.Join(prefix, "valid_from"));
        var until = WireFormat.OptionalDate(r.ValidUntil, WireFormat.Join(prefix, "valid_until"));
        if (from is { } f && until is { } u && u < f)
        {
            ApiErrors.ThrowInvalid(WireFormat.Join(prefix, "valid_until"), "The roster ends before it starts.");
        }
        WireFormat.Count(r.Shifts, WireFormat.Join(prefix, "shifts"), MaxShifts);
        var shifts = r.Shifts.Select((s, i) =>
        {
            var at = WireFormat.Join(prefix, $"shifts[{i}]");
            if (s.Week < 0 || s.Week >= r.CycleWeeks)
            {
                ApiErrors.ThrowInvalid(WireFormat.Join(at, "week"), $"Shift week {s.Week} is outside the {r.CycleWeeks}-week cycle.");
            }
            return new DomainShift(s.Week, WireFormat.Day(s.Day, WireFormat.Join(at, "day")), WireFormat.TimeRange(s.Start, s.End, at));
        }).ToList();
        return new DomainRoster(clinicId, r.CycleWeeks, anchor, shifts, from, until);
    }

    private static DomainException MapException(V1.RosterException e, string prefix)
    {
        var id = WireFormat.Id(e.ExceptionId, WireFormat.Join(prefix, "exception_id"));
        var kind = e.Kind switch
        {
            RosterExceptionKind.Leave => DomainExceptionKind.Leave,
            RosterExceptionKind.Sickness => DomainExceptionKind.Sickness,
            RosterExceptionKind.ExtraShift => DomainExceptionKind.ExtraShift,
            _ => throw ApiErrors.ToRpcException(Refusal.Invalid(WireFormat.Join(prefix, "kind"), "kind must be LEAVE, SICKNESS or EXTRA_SHIFT.")),
        };
        var start = WireFormat.Instant(e.Start, WireFormat.Join(prefix, "start"));
        var end = WireFormat.Instant(e.End, WireFormat.Join(prefix, "end"));
        if (end <= start)
        {
            ApiErrors.ThrowInvalid(WireFormat.Join(prefix, "end"), "The exception must end after it starts.");
        }
        var clinicId = WireFormat.OptionalId(e.ClinicId, WireFormat.Join(prefix, "clinic_id"));
        if (kind == DomainExceptionKind.ExtraShift && clinicId is null)
        {
            ApiErrors.ThrowInvalid(WireFormat.Join(prefix, "clinic_id"), "An extra shift names its clinic.");
        }
        var note = WireFormat.Text(e.Note, WireFormat.Join(prefix, "note"), Validation.MaxNameLength);
        return new DomainException(id, kind, new Interval(start, end), clinicId, note);
    }

    private static DomainTravel MapTravel(TravelTimes t)
    {
        var max = (int)ConfigValidation.MaxTravel.TotalMinutes;
        var defaultTravel = WireFormat.Minutes(t.DefaultMinutes, "travel_times.default_minutes", 0, max);
        WireFormat.Count(t.Pairs, "travel_times.pairs", MaxTravelPairs);
        var pairs = t.Pairs.Select((p, i) => new DomainTravelTime(
            WireFormat.Id(p.ClinicA, $"travel_times.pairs[{i}].clinic_a"),
            WireFormat.Id(p.ClinicB, $"travel_times.pairs[{i}].clinic_b"),
            WireFormat.Minutes(p.Minutes, $"travel_times.pairs[{i}].minutes", 0, max))).ToList();
        return new DomainTravel(defaultTravel, pairs);
    }

    private static V1.Therapist MapTherapist(DomainTherapist t)
    {
        var therapist = new V1.Therapist { TherapistId = t.Id, Name = t.Name };
        therapist.Qualifications.AddRange(t.Qualifications.Select(MapQualification));
        therapist.Rosters.AddRange(t.Rosters.Select(MapRoster));
        therapist.Exceptions.AddRange(t.Exceptions.Select(MapException));
        return therapist;
    }

    private static V1.Qualification MapQualification(DomainQualification q) => new() { Code = q.Code, ExpiresOn = WireFormat.FormatDate(q.ExpiresOn) };

    private static V1.Roster MapRoster(DomainRoster r)
    {
        var roster = new V1.Roster
        {
            ClinicId = r.ClinicId,
            CycleWeeks = r.CycleWeeks,
            AnchorDate = WireFormat.FormatDate(r.Anchor),
            ValidFrom = WireFormat.FormatDate(r.From),
            ValidUntil = WireFormat.FormatDate(r.Until),
        };
        roster.Shifts.AddRange(r.Shifts.Select(s => new V1.RosterShift
        {
            Week = s.Week,
            Day = (V1.DayOfWeek)(int)s.Day,
            Start = WireFormat.FormatTime(s.Hours.Start),
            End = WireFormat.FormatEnd(s.Hours),
        }));
        return roster;
    }

    private static V1.RosterException MapException(DomainException e) => new()
    {
        ExceptionId = e.Id,
        Kind = e.Kind switch
        {
            DomainExceptionKind.Leave => RosterExceptionKind.Leave,
            DomainExceptionKind.Sickness => RosterExceptionKind.Sickness,
            DomainExceptionKind.ExtraShift => RosterExceptionKind.ExtraShift,
            _ => RosterExceptionKind.Unspecified,
        },
        Start = WireFormat.ToTimestamp(e.Period.Start),
        End = WireFormat.ToTimestamp(e.Period.End),
        ClinicId = e.ClinicId ?? "",
        Note = e.Note,
    };

    private static TravelTimes MapTravel(DomainTravel t)
    {
        var travel = new TravelTimes { DefaultMinutes = WireFormat.WholeMinutes(t.Default) };
        travel.Pairs.AddRange(t.Pairs.Select(p => new TravelTime { ClinicA = p.ClinicA, ClinicB = p.ClinicB, Minutes = WireFormat.WholeMinutes(p.Duration) }));
        return travel;
    }
}
