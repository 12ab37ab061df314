namespace NmtPractice.Grains.Abstractions.Views;

/// <summary>A therapist's days from <see cref="From"/> across every clinic, and the leave and sickness overlapping them.</summary>
[GenerateSerializer, Immutable, Alias("nmt.TherapistWeekView")]
public sealed record TherapistWeekView(
    [property: Id(0)] string TherapistId,
    [property: Id(1)] string Name,
    [property: Id(2)] LocalDate From,
    [property: Id(3)] IReadOnlyList<TherapistDayView> Days,
    [property: Id(4)] IReadOnlyList<RosterException> Absences);
