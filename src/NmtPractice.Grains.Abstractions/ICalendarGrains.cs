namespace NmtPractice.Grains;

/// <summary>
/// A tentative reservation on a calendar grain: it blocks the slot in memory until committed (the ledger write
/// succeeded), released, or it expires by itself (its coordinator died), whichever comes first. A reschedule
/// reserves under a new <see cref="ReservationId"/> while the appointment's old entry stays until the move commits;
/// checks never count an appointment against itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.Tentative")]
public sealed record Tentative(
    [property: Id(0)] Guid ReservationId,
    [property: Id(1)] Guid AppointmentId,
    [property: Id(2)] Instant ExpiresAt,
    [property: Id(3)] Instant? HoldExpiresAt,
    [property: Id(4)] string RequestId);

[GenerateSerializer, Immutable, Alias("nmt.RoomReservation")]
public sealed record RoomReservation([property: Id(0)] string? RoomId, [property: Id(1)] Refusal? Refusal);

/// <summary>All rooms of a clinic on one clinic-local day: the single writer for room bookings. Key: <see cref="Keys.ClinicDay"/>.</summary>
[Alias("nmt.IClinicDayGrain")]
public interface IClinicDayGrain : IGrainWithStringKey
{
    /// <summary>Reserves <paramref name="roomId"/>, or the best-fitting suitable room when null, for treatment plus turnover.</summary>
    [Alias("Reserve")] Task<RoomReservation> Reserve(Clinic clinic, string serviceId, string? roomId, Interval treatment, Tentative tentative);
    [ReadOnly, Alias("GetBookings")] Task<IReadOnlyList<RoomBooking>> GetBookings();
    [OneWay, Alias("Commit")] Task Commit(Guid reservationId);
    [Alias("Release")] Task Release(Guid reservationId);
    /// <summary>Replaces what we know of the appointment with the ledger's record (after a status change or a move).</summary>
    [OneWay, Alias("Refresh")] Task Refresh(AppointmentRecord record, LocalDate localDate);
    /// <summary>Forgets memory and reloads the day from the ledger (after the ledger disagreed with us).</summary>
    [Alias("Resync")] Task Resync();
}

/// <summary>One therapist on one clinic-local day, across all clinics: the single writer for their bookings. Key: <see cref="Keys.TherapistDay"/>.</summary>
[Alias("nmt.ITherapistDayGrain")]
public interface ITherapistDayGrain : IGrainWithStringKey
{
    [Alias("Reserve")] Task<Refusal?> Reserve(string clinicId, Interval treatment, TravelMatrix travel, Tentative tentative);
    [ReadOnly, Alias("GetBookings")] Task<IReadOnlyList<TherapistBooking>> GetBookings();
    [OneWay, Alias("Commit")] Task Commit(Guid reservationId);
    [Alias("Release")] Task Release(Guid reservationId);
    /// <summary>Replaces what we know of the appointment with the ledger's record (after a status change or a move).</summary>
    [OneWay, Alias("Refresh")] Task Refresh(AppointmentRecord record, LocalDate localDate);
    [Alias("Resync")] Task Resync();
}

/// <summary>A client's calendar: the single writer for their appointments. Key: <see cref="Keys.ClientCalendar"/>.</summary>
[Alias("nmt.IClientCalendarGrain")]
public interface IClientCalendarGrain : IGrainWithStringKey
{
    [Alias("Reserve")] Task<Refusal?> Reserve(Interval treatment, Tentative tentative);
    [ReadOnly, Alias("GetBusy")] Task<IReadOnlyList<Interval>> GetBusy(Interval window);
    [OneWay, Alias("Commit")] Task Commit(Guid reservationId);
    [Alias("Release")] Task Release(Guid reservationId);
    /// <summary>Replaces what we know of the appointment with the ledger's record (after a status change or a move).</summary>
    [OneWay, Alias("Refresh")] Task Refresh(AppointmentRecord record, LocalDate localDate);
    [Alias("Resync")] Task Resync();
}
