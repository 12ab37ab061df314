namespace NmtPractice.Grains.Abstractions.Calendars;

/// <summary>
/// A tentative reservation on a calendar grain: it blocks the slot in memory until committed (the ledger write
/// succeeded), released, or it expires by itself (its coordinator died), whichever comes first. A reschedule
/// reserves under a new <see cref="ReservationId"/> while the appointment's old entry stays until the move commits;
/// checks never count an appointment against itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.Tentative")]
public sealed record Tentative(
    [property: Id(0)] Guid ReservationId,
    [property: Id(1)] Guid AppointmentId,
    [property: Id(2)] Instant ExpiresAt,
    [property: Id(3)] Instant? HoldExpiresAt,
    [property: Id(4)] string RequestId);
