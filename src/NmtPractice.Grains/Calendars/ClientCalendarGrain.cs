using NmtPractice.Grains.Infrastructure;

namespace NmtPractice.Grains.Calendars;

/// <summary>A client's calendar (all clinics, from yesterday on): the single writer of their bookings.</summary>
[CollectionAgeLimit(Minutes = Reservations.IdleMinutes)]
public sealed class ClientCalendarGrain(CalendarLoader loader, IClock clock)
    : CalendarGrain<Interval>(loader, clock), IClientCalendarGrain
{
    private static readonly Duration Horizon = Duration.FromDays(3660);
    private string ClientId => GrainKeys.IdOf(this);

    protected override Task<IReadOnlyList<AppointmentRecord>> ReadLedger() =>
        Loader.LoadAsync(new OccupancyQuery(OccupancyResource.Client, ClientId, Now - Duration.FromDays(1), Now + Horizon));

    protected override Interval ToItem(AppointmentRecord r) => new(r.Start, r.End);

    protected override bool BelongsHere(AppointmentRecord record, LocalDate localDate) => record.ClientId == ClientId;

    public async Task<Refusal?> Reserve(Interval treatment, Tentative tentative)
    {
        var busy = await BusyAsync(tentative.AppointmentId);
        return InFlight(tentative) ?? BookingRules.CheckClientCalendar(busy, ClientId, treatment) ?? Accept(tentative, treatment);
    }

    public async Task<IReadOnlyList<Interval>> GetBusy(Interval window) =>
        (await BusyAsync(null)).Where(b => b.Overlaps(window)).ToList();
}
