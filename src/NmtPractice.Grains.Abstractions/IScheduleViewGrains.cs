namespace NmtPractice.Grains;

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

/// <summary>One date of a therapist's week: each clinic where they are rostered or booked that (clinic-local) date.</summary>
[GenerateSerializer, Immutable, Alias("nmt.TherapistDayView")]
public sealed record TherapistDayView(
    [property: Id(0)] LocalDate Date,
    [property: Id(1)] IReadOnlyList<ClinicShiftsView> Clinics);

/// <summary>A therapist's days from <see cref="From"/> across every clinic, and the leave and sickness overlapping them.</summary>
[GenerateSerializer, Immutable, Alias("nmt.TherapistWeekView")]
public sealed record TherapistWeekView(
    [property: Id(0)] string TherapistId,
    [property: Id(1)] string Name,
    [property: Id(2)] LocalDate From,
    [property: Id(3)] IReadOnlyList<TherapistDayView> Days,
    [property: Id(4)] IReadOnlyList<RosterException> Absences);

/// <summary>One room on a clinic day: its out-of-service periods that day and its appointments (every status), by start.</summary>
[GenerateSerializer, Immutable, Alias("nmt.RoomDayView")]
public sealed record RoomDayView(
    [property: Id(0)] string RoomId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Features,
    [property: Id(3)] IReadOnlyList<Interval> OutOfService,
    [property: Id(4)] IReadOnlyList<AppointmentRecord> Appointments);

/// <summary>A therapist rostered (or booked) at the clinic that day: shifts, absent parts, and their appointments there.</summary>
[GenerateSerializer, Immutable, Alias("nmt.TherapistOnDayView")]
public sealed record TherapistOnDayView(
    [property: Id(0)] string TherapistId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<Interval> Shifts,
    [property: Id(3)] IReadOnlyList<Interval> Absent,
    [property: Id(4)] IReadOnlyList<AppointmentRecord> Appointments);

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

/// <summary>Read-only schedule views composed from configuration and the ledger (stateless).</summary>
[Alias("nmt.IScheduleViewGrain")]
public interface IScheduleViewGrain : IGrainWithIntegerKey
{
    public const int MaxDays = 31;

    /// <summary><paramref name="days"/> dates from <paramref name="from"/> (each read on each clinic's clock).</summary>
    [ReadOnly, Alias("TherapistWeek")] Task<Result<TherapistWeekView>> TherapistWeek(string therapistId, LocalDate from, int days);

    [ReadOnly, Alias("ClinicDay")] Task<Result<ClinicDayView>> ClinicDay(string clinicId, LocalDate date);
}
