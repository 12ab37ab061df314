namespace NmtPractice.Grains.Abstractions.Booking;

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
