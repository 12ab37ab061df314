namespace NmtPractice.Grains.Abstractions.Booking;

[GenerateSerializer, Immutable, Alias("nmt.AvailabilityRequest")]
public sealed record AvailabilityRequest(
    [property: Id(0)] string ClinicId,
    [property: Id(1)] string ServiceId,
    [property: Id(2)] LocalDate From,
    [property: Id(3)] LocalDate To,
    [property: Id(4)] string? TherapistId = null,
    [property: Id(5)] string? ClientId = null,
    [property: Id(6)] Duration? Grid = null);
