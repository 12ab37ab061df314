using NmtPractice.Grains.Infrastructure;

namespace NmtPractice.Grains.Calendars;

/// <summary>
/// One therapist on one clinic-local date, across every clinic: the single writer of their bookings that day.
/// It loads a window wide enough for any time zone (the date in UTC, widened by 14 hours each side), so that
/// neighbouring appointments count for travel.
/// </summary>
[CollectionAgeLimit(Minutes = Reservations.IdleMinutes)]
public sealed class TherapistDayGrain(CalendarLoader loader, IClock clock)
    : CalendarGrain<TherapistBooking>(loader, clock), ITherapistDayGrain
{
    private static readonly Duration ZoneReach = Duration.FromHours(14);
    private string _therapistId = "";
    private LocalDate _date;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_therapistId, _date) = GrainKeys.DayKey(this.GetPrimaryKeyString());
        return base.OnActivateAsync(cancellationToken);
    }

    protected override Task<IReadOnlyList<AppointmentRecord>> ReadLedger()
    {
        var utcDay = _date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        return Loader.LoadAsync(new OccupancyQuery(OccupancyResource.Therapist, _therapistId, utcDay - ZoneReach, utcDay + Duration.FromDays(1) + ZoneReach));
    }

    protected override TherapistBooking ToItem(AppointmentRecord r) => new(r.Id, r.ClinicId, new Interval(r.Start, r.End));

    protected override bool BelongsHere(AppointmentRecord record, LocalDate localDate) =>
        record.TherapistId == _therapistId && localDate == _date;

    public async Task<Refusal?> Reserve(string clinicId, Interval treatment, TravelMatrix travel, Tentative tentative)
    {
        var busy = await BusyAsync(tentative.AppointmentId);
        return InFlight(tentative) ?? BookingRules.CheckTherapistCalendar(busy, _therapistId, clinicId, treatment, travel)
            ?? Accept(tentative, new TherapistBooking(tentative.AppointmentId, clinicId, treatment));
    }

    public async Task<IReadOnlyList<TherapistBooking>> GetBookings() => await BusyAsync(null);
}
