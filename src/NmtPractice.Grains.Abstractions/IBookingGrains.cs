namespace NmtPractice.Grains;

/// <summary>
/// A booking request. <see cref="TherapistId"/> null means any qualified, rostered therapist; <see cref="RoomId"/>
/// null means automatic room allocation. <see cref="HoldFor"/> set makes a hold (FHIR pending) that expires unless confirmed.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.BookingRequest")]
public sealed record BookingRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string ClinicId,
    [property: Id(2)] string ServiceId,
    [property: Id(3)] string? TherapistId,
    [property: Id(4)] string? RoomId,
    [property: Id(5)] string ClientId,
    [property: Id(6)] Instant Start,
    [property: Id(7)] Duration? HoldFor = null);

[GenerateSerializer, Immutable, Alias("nmt.AvailabilityRequest")]
public sealed record AvailabilityRequest(
    [property: Id(0)] string ClinicId,
    [property: Id(1)] string ServiceId,
    [property: Id(2)] LocalDate From,
    [property: Id(3)] LocalDate To,
    [property: Id(4)] string? TherapistId = null,
    [property: Id(5)] string? ClientId = null,
    [property: Id(6)] Duration? Grid = null);

/// <summary>
/// A move. Null <see cref="TherapistId"/> keeps the therapist; null <see cref="RoomId"/> allocates a room
/// automatically; <see cref="ClinicId"/> set to another clinic moves the appointment there (cover at a nearby clinic:
/// the room then comes from that clinic, and the service is that clinic's service of the same id).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.RescheduleRequest")]
public sealed record RescheduleRequest(
    [property: Id(0)] Instant NewStart,
    [property: Id(1)] string? TherapistId = null,
    [property: Id(2)] string? RoomId = null,
    [property: Id(3)] string? ClinicId = null);

/// <summary>
/// Books appointments and searches availability. Stateless: it coordinates the calendar grains and the ledger.
/// </summary>
[Alias("nmt.IBookingGrain")]
public interface IBookingGrain : IGrainWithIntegerKey
{
    [Alias("Book")] Task<Result<AppointmentRecord>> Book(BookingRequest request);
    [Alias("SearchAvailability")] Task<Result<IReadOnlyList<AvailableSlot>>> SearchAvailability(AvailabilityRequest request);
}

/// <summary>One appointment's lifecycle after booking. Key: the appointment id.</summary>
[Alias("nmt.IAppointmentGrain")]
public interface IAppointmentGrain : IGrainWithGuidKey
{
    [Alias("Get")] Task<AppointmentRecord?> Get();
    [Alias("Confirm")] Task<Result<AppointmentRecord>> Confirm();
    [Alias("Cancel")] Task<Result<AppointmentRecord>> Cancel(string reason);
    [Alias("CheckIn")] Task<Result<AppointmentRecord>> CheckIn();
    [Alias("Complete")] Task<Result<AppointmentRecord>> Complete();
    [Alias("MarkNoShow")] Task<Result<AppointmentRecord>> MarkNoShow();
    /// <summary>Atomic move: the old slot is freed only if the new one is taken.</summary>
    [Alias("Reschedule")] Task<Result<AppointmentRecord>> Reschedule(RescheduleRequest request);
}
