namespace NmtPractice.Grains.Abstractions.Calendars;

/// <summary>A client's calendar: the single writer for their appointments. Key: <see cref="GrainKeys.ClientCalendar"/>.</summary>
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
