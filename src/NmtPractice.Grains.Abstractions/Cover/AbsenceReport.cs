namespace NmtPractice.Grains.Abstractions.Cover;

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
