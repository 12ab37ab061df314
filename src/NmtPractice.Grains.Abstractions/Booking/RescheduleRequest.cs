namespace NmtPractice.Grains.Abstractions.Booking;

/// <summary>
/// A move. Null <see cref="TherapistId"/> keeps the therapist; null <see cref="RoomId"/> allocates a room
/// automatically; <see cref="ClinicId"/> set to another clinic moves the appointment there (cover at a nearby clinic:
/// the room then comes from that clinic, and the service is that clinic's service of the same id).
/// <see cref="RequestId"/> is the idempotency key (see <see cref="IAppointmentGrain"/>); null: none.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.RescheduleRequest")]
public sealed record RescheduleRequest(
    [property: Id(0)] Instant NewStart,
    [property: Id(1)] string? TherapistId = null,
    [property: Id(2)] string? RoomId = null,
    [property: Id(3)] string? ClinicId = null,
    [property: Id(4)] string? RequestId = null);
