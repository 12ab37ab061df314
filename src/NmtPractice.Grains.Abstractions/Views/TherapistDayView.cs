namespace NmtPractice.Grains.Abstractions.Views;

/// <summary>One date of a therapist's week: each clinic where they are rostered or booked that (clinic-local) date.</summary>
[GenerateSerializer, Immutable, Alias("nmt.TherapistDayView")]
public sealed record TherapistDayView(
    [property: Id(0)] LocalDate Date,
    [property: Id(1)] IReadOnlyList<ClinicShiftsView> Clinics);
