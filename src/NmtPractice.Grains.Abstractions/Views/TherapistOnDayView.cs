namespace NmtPractice.Grains.Abstractions.Views;

/// <summary>A therapist rostered (or booked) at the clinic that day: shifts, absent parts, and their appointments there.</summary>
[GenerateSerializer, Immutable, Alias("nmt.TherapistOnDayView")]
public sealed record TherapistOnDayView(
    [property: Id(0)] string TherapistId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<Interval> Shifts,
    [property: Id(3)] IReadOnlyList<Interval> Absent,
    [property: Id(4)] IReadOnlyList<AppointmentRecord> Appointments);
