namespace NmtPractice.Grains.Abstractions.Calendars;

/// <summary>One therapist on one clinic-local day, across all clinics: the single writer for their bookings. Key: <see cref="GrainKeys.TherapistDay"/>.</summary>
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
