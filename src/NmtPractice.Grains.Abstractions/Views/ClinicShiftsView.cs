namespace NmtPractice.Grains.Abstractions.Views;

/// <summary>
/// A therapist at one clinic on that clinic's local date: rostered <see cref="Shifts"/> (pattern and extra shifts),
/// the parts of them lost to leave or sickness (<see cref="Absent"/>), and the appointments (every status) starting
/// that day there. Intervals are half-open instants; read them on the clinic's clock (<see cref="TimeZoneId"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.ClinicShiftsView")]
public sealed record ClinicShiftsView(
    [property: Id(0)] string ClinicId,
    [property: Id(1)] string ClinicName,
    [property: Id(2)] string TimeZoneId,
    [property: Id(3)] IReadOnlyList<Interval> Shifts,
    [property: Id(4)] IReadOnlyList<Interval> Absent,
    [property: Id(5)] IReadOnlyList<AppointmentRecord> Appointments);
