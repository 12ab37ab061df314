namespace NmtPractice.Grains.Abstractions.Views;

/// <summary>
/// A clinic's local date across every room and therapist: open hours (empty when closed; <see cref="ClosedReason"/> on a
/// closure), rooms with their appointments, therapists rostered or booked there with their shifts and appointments.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.ClinicDayView")]
public sealed record ClinicDayView(
    [property: Id(0)] string ClinicId,
    [property: Id(1)] string ClinicName,
    [property: Id(2)] string TimeZoneId,
    [property: Id(3)] LocalDate Date,
    [property: Id(4)] IReadOnlyList<Interval> Open,
    [property: Id(5)] string? ClosedReason,
    [property: Id(6)] IReadOnlyList<RoomDayView> Rooms,
    [property: Id(7)] IReadOnlyList<TherapistOnDayView> Therapists);
