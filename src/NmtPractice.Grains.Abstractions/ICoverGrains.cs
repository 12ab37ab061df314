namespace NmtPractice.Grains;

/// <summary>What to do with booked appointments that a roster change or absence would leave outside rostered time.</summary>
public enum StrandedPolicy
{
    /// <summary>Refuse the change, listing the appointments (WOULD_STRAND_BOOKINGS).</summary>
    Refuse = 0,
    /// <summary>Make the change and cancel those appointments (reason "roster-change").</summary>
    Cancel = 1,
    /// <summary>Make the change and propose cover for those appointments (a <see cref="CoverPlan"/> to apply).</summary>
    Cover = 2,
}

/// <summary>
/// The outcome of a roster change: the therapist as stored, the appointments it stranded, those cancelled (policy
/// Cancel) and the cover plan (policy Cover).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.RosterChange")]
public sealed record RosterChange(
    [property: Id(0)] Therapist Therapist,
    [property: Id(1)] IReadOnlyList<AppointmentRecord> Stranded,
    [property: Id(2)] IReadOnlyList<AppointmentRecord> Cancelled,
    [property: Id(3)] CoverPlan? Plan = null);

public enum CoverItemStatus
{
    /// <summary>A replacement is proposed and not applied yet.</summary>
    Proposed = 1,
    /// <summary>Nobody can take it: contact the client.</summary>
    Uncovered,
    /// <summary>The appointment was moved to the replacement.</summary>
    Applied,
    /// <summary>Applying failed (the substitute or room was taken meanwhile, the appointment changed...): contact the client.</summary>
    Failed,
}

/// <summary>
/// One affected appointment of a cover plan: where it was (clinic, therapist, room, treatment [Start, End)), the client
/// to contact, and the replacement (<see cref="NewClinicId"/>, <see cref="NewTherapistId"/>, <see cref="NewRoomId"/>,
/// the same start, ending at <see cref="NewEnd"/>), or why there is none (<see cref="Reason"/>, <see cref="ReasonCode"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.CoverItem")]
public sealed record CoverItem(
    [property: Id(0)] Guid AppointmentId,
    [property: Id(1)] string ClientId,
    [property: Id(2)] string ClientName,
    [property: Id(3)] string? ClientPhone,
    [property: Id(4)] string ServiceId,
    [property: Id(5)] Instant Start,
    [property: Id(6)] Instant End,
    [property: Id(7)] string ClinicId,
    [property: Id(8)] string TherapistId,
    [property: Id(9)] string RoomId,
    [property: Id(10)] CoverItemStatus Status,
    [property: Id(11)] string? NewClinicId = null,
    [property: Id(12)] string? NewTherapistId = null,
    [property: Id(13)] string? NewRoomId = null,
    [property: Id(14)] Instant? NewEnd = null,
    [property: Id(15)] string? Reason = null,
    [property: Id(16)] string? ReasonCode = null)
{
    /// <summary>True when the client has to be contacted (nothing proposed, or applying failed).</summary>
    public bool NeedsContact => Status is CoverItemStatus.Uncovered or CoverItemStatus.Failed;
}

/// <summary>
/// Proposed cover for a therapist's appointments in [<see cref="From"/>, <see cref="To"/>) (the absence, or the span of
/// the stranded appointments), <see cref="Cause"/> in words, items by start.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.CoverPlan")]
public sealed record CoverPlan(
    [property: Id(0)] Guid PlanId,
    [property: Id(1)] string TherapistId,
    [property: Id(2)] Instant From,
    [property: Id(3)] Instant To,
    [property: Id(4)] string Cause,
    [property: Id(5)] Instant CreatedAt,
    [property: Id(6)] IReadOnlyList<CoverItem> Items,
    [property: Id(7)] string? ExceptionId = null);

/// <summary>What one ApplyCover request did: the items it was asked for, each Applied or Failed (or Uncovered).</summary>
[GenerateSerializer, Immutable, Alias("nmt.CoverOutcome")]
public sealed record CoverOutcome(
    [property: Id(0)] Guid PlanId,
    [property: Id(1)] string RequestId,
    [property: Id(2)] IReadOnlyList<CoverItem> Items);

/// <summary>
/// "Therapist T is off sick (or on leave) from ... to ...". <see cref="RequestId"/> is the idempotency key: a retry
/// returns the first plan. <see cref="ReachMinutes"/> overrides the configured reach of cover at other clinics
/// (the longest travel time from the appointment's clinic); 0 keeps cover at the same clinic.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.AbsenceReport")]
public sealed record AbsenceReport(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string TherapistId,
    [property: Id(2)] Instant From,
    [property: Id(3)] Instant To,
    [property: Id(4)] RosterExceptionKind Kind,
    [property: Id(5)] string Reason,
    [property: Id(6)] int? ReachMinutes = null);

/// <summary>
/// The cover coordinator (stateless): records absences and roster changes through the therapist grain, and plans cover
/// for what they strand, or cancels it.
/// </summary>
[Alias("nmt.ICoverGrain")]
public interface ICoverGrain : IGrainWithIntegerKey
{
    /// <summary>Records the absence (leave or sickness) whatever it strands, and returns a cover plan for the therapist's appointments in it.</summary>
    [Alias("ReportAbsence")] Task<Result<CoverPlan>> ReportAbsence(AbsenceReport report);

    /// <summary>Replaces a therapist's rosters; what the change strands is refused, cancelled or covered as <paramref name="policy"/> says.</summary>
    [Alias("SetRosters")] Task<Result<RosterChange>> SetRosters(string requestId, string therapistId, IReadOnlyList<Roster> rosters, StrandedPolicy policy);

    /// <summary>Adds a roster exception; what it strands is refused, cancelled or covered as <paramref name="policy"/> says.</summary>
    [Alias("AddException")] Task<Result<RosterChange>> AddException(string requestId, string therapistId, RosterException exception, StrandedPolicy policy);
}

/// <summary>One stored cover plan, the single writer of its items' status. Key: the plan id.</summary>
[Alias("nmt.ICoverPlanGrain")]
public interface ICoverPlanGrain : IGrainWithGuidKey
{
    /// <summary>Stores the plan; if one is stored already (a retried request), returns that one instead.</summary>
    [Alias("Create")] Task<CoverPlan> Create(CoverPlan plan);

    [ReadOnly, Alias("Get")] Task<CoverPlan?> Get();

    /// <summary>
    /// Moves each chosen appointment (empty: every proposed one) to its replacement, one at a time, each atomically
    /// through the appointment's reschedule (the calendars and the ledger refuse a double booking). Idempotent per
    /// <paramref name="requestId"/>: a retry returns the first outcome.
    /// </summary>
    [Alias("Apply")] Task<Result<CoverOutcome>> Apply(string requestId, IReadOnlyList<Guid> appointmentIds);
}
