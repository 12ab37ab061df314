using NmtPractice.Grains.Infrastructure;

namespace NmtPractice.Grains.Calendars;

/// <summary>All rooms of one clinic on one clinic-local day; allocates rooms and is the single writer of their bookings.</summary>
[CollectionAgeLimit(Minutes = Reservations.IdleMinutes)]
public sealed class ClinicDayGrain(CalendarLoader loader, IClock clock, IGrainFactory grains)
    : CalendarGrain<RoomBooking>(loader, clock), IClinicDayGrain
{
    private string _clinicId = "";
    private LocalDate _date;
    private Interval? _day;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_clinicId, _date) = GrainKeys.DayKey(this.GetPrimaryKeyString());
        if (await grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(_clinicId)).Get() is { } clinic)
        {
            SetZone(clinic);
        }
        await base.OnActivateAsync(cancellationToken);
    }

    private void SetZone(Clinic clinic) =>
        _day = new Interval(_date.AtStartOfDayInZone(clinic.Zone).ToInstant(), _date.PlusDays(1).AtStartOfDayInZone(clinic.Zone).ToInstant());

    protected override async Task<IReadOnlyList<AppointmentRecord>> ReadLedger() =>
        _day is { } day ? await Loader.LoadAsync(new OccupancyQuery(OccupancyResource.Clinic, _clinicId, day.Start, day.End)) : [];

    protected override RoomBooking ToItem(AppointmentRecord r) =>
        new(r.Id, r.RoomId, new Interval(r.Start, r.End), new Interval(r.Start, r.RoomFreeAt));

    protected override bool BelongsHere(AppointmentRecord record, LocalDate localDate) =>
        record.ClinicId == _clinicId && localDate == _date;

    public async Task<RoomReservation> Reserve(Clinic clinic, string serviceId, string? roomId, Interval treatment, Tentative tentative)
    {
        if (_day is null)
        {
            SetZone(clinic);
            await Resync();
        }
        if (clinic.FindService(serviceId) is not { } service)
        {
            return new RoomReservation(null, Refusal.NotFound("service_id", $"Clinic {clinic.Id} has no service '{serviceId}'."));
        }
        var busy = await BusyAsync(tentative.AppointmentId);
        if (InFlight(tentative) is { } inFlight)
        {
            return new RoomReservation(null, inFlight);
        }
        var occupancy = new Interval(treatment.Start, treatment.End + service.Turnover);
        Room? room;
        if (roomId is not null)
        {
            room = clinic.FindRoom(roomId);
            if (room is null)
            {
                return new RoomReservation(null, Refusal.NotFound("room_id", $"Clinic {clinic.Id} has no room '{roomId}'."));
            }
            var refusal = BookingRules.CheckRoom(room, service, occupancy) ?? BookingRules.CheckRoomCalendar(busy, room.Id, treatment, occupancy);
            if (refusal is not null)
            {
                return new RoomReservation(null, refusal);
            }
        }
        else
        {
            (room, var refusal) = RoomAllocator.Choose(clinic, service, treatment, busy);
            if (room is null)
            {
                return new RoomReservation(null, refusal);
            }
        }
        Accept(tentative, new RoomBooking(tentative.AppointmentId, room.Id, treatment, occupancy));
        return new RoomReservation(room.Id, null);
    }

    public async Task<IReadOnlyList<RoomBooking>> GetBookings() => await BusyAsync(null);
}
