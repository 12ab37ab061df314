namespace NmtPractice.Grains.Abstractions.Calendars;

/// <summary>All rooms of a clinic on one clinic-local day: the single writer for room bookings. Key: <see cref="GrainKeys.ClinicDay"/>.</summary>
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
