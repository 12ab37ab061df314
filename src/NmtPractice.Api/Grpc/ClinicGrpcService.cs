using DomainClinic = NmtPractice.Domain.Clinics.Clinic;
using DomainClosure = NmtPractice.Domain.Clinics.Closure;
using DomainRoom = NmtPractice.Domain.Clinics.Room;
using DomainService = NmtPractice.Domain.Clinics.Service;
using OpeningRange = NmtPractice.Domain.Clinics.OpeningRange;
using OutOfServicePeriod = NmtPractice.Domain.Clinics.OutOfServicePeriod;

namespace NmtPractice.Api.Grpc;

/// <summary>Clinics, rooms, services, opening hours and closures: validates, maps and calls the clinic grain.</summary>
public sealed class ClinicGrpcService(IGrainFactory grains, ILogger<ClinicGrpcService> logger) : ClinicService.ClinicServiceBase
{
    public const int MaxRooms = 100;
    public const int MaxServices = 100;
    public const int MaxClosures = 100;
    public const int MaxOpeningRanges = 7 * 8;

    public override async Task<V1.Clinic> CreateClinic(CreateClinicRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var clinic = MapClinic(request);
        logger.LogInformation("Creating clinic {ClinicId}", clinic.Id);
        var created = (await Clinic(clinic.Id).Create(clinic)).OrThrow();
        return MapClinic(created);
    }

    public override async Task<V1.Clinic> UpdateClinic(UpdateClinicRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var clinicId = WireFormat.Id(request.ClinicId, "clinic_id");
        var name = request.HasName ? WireFormat.RequiredText(request.Name, "name") : null;
        var address = request.HasAddress ? WireFormat.Text(request.Address, "address") : null;
        var window = request.HasCancellationWindowMinutes
            ? WireFormat.Minutes(request.CancellationWindowMinutes, "cancellation_window_minutes", 0, MaxCancellationWindowMinutes)
            : (Duration?)null;
        var current = await grains.ExistingClinic(clinicId);
        var updated = (await Clinic(clinicId).UpdateDetails(name ?? current.Name, address ?? current.Address, window ?? current.CancellationWindow)).OrThrow();
        return MapClinic(updated);
    }

    public override async Task<V1.Clinic> GetClinic(GetClinicRequest request, ServerCallContext context)
    {
        var clinicId = WireFormat.Id(request.ClinicId, "clinic_id");
        return MapClinic(await grains.ExistingClinic(clinicId));
    }

    public override async Task<ListClinicsResponse> ListClinics(ListClinicsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var ids = await grains.GetGrain<IChainGrain>(GrainKeys.Chain).ListClinics();
        var (clinics, next) = await Paging.FetchByKey(ids, pageSize, request.PageToken, id => Clinic(id).Get());
        var response = new ListClinicsResponse { NextPageToken = next };
        response.Clinics.AddRange(clinics.Select(MapClinic));
        return response;
    }

    public override async Task<V1.Clinic> UpsertRoom(UpsertRoomRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var clinicId = WireFormat.Id(request.ClinicId, "clinic_id");
        var roomId = WireFormat.Id(request.RoomId, "room_id");
        var name = WireFormat.RequiredText(request.Name, "name");
        var features = WireFormat.Tags(request.Features, "features");
        var current = await grains.ExistingClinic(clinicId);
        var room = new DomainRoom(roomId, name, features, current.FindRoom(roomId)?.OutOfService ?? []);
        return MapClinic((await Clinic(clinicId).UpsertRoom(room)).OrThrow());
    }

    public override Task<V1.Clinic> SetRoomOutOfService(SetRoomOutOfServiceRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClinicId, clinic =>
        {
            var roomId = WireFormat.Id(request.RoomId, "room_id");
            var period = MapPeriod(request.Start, request.End, "");
            var reason = WireFormat.Text(request.Reason, "reason", Validation.MaxNameLength);
            return clinic.AddRoomOutOfService(roomId, new OutOfServicePeriod(period, reason));
        });

    public override Task<V1.Clinic> UpsertService(UpsertServiceRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClinicId, clinic =>
            clinic.UpsertService(MapService(WireFormat.Required(request.Service, "service"), "service")));

    public override Task<V1.Clinic> SetOpeningHours(SetOpeningHoursRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClinicId, clinic => clinic.SetOpeningHours(MapOpeningHours(request.OpeningHours)));

    public override Task<V1.Clinic> AddClosure(AddClosureRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClinicId, clinic =>
            clinic.AddClosure(MapClosure(WireFormat.Required(request.Closure, "closure"), "closure")));

    public override Task<V1.Clinic> RemoveClosure(RemoveClosureRequest request, ServerCallContext context) =>
        Change(request.RequestId, request.ClinicId, clinic =>
        {
            var first = WireFormat.Date(request.FirstDate, "first_date");
            var last = WireFormat.Date(request.LastDate, "last_date");
            return clinic.RemoveClosure(first, last);
        });

    private const int MaxCancellationWindowMinutes = 14 * 24 * 60;

    private IClinicGrain Clinic(string clinicId) => grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinicId));

    /// <summary>
    /// One change to a clinic: the request id and clinic id are checked first, then <paramref name="change"/> checks
    /// its own fields and calls the grain.
    /// </summary>
    private async Task<V1.Clinic> Change(string requestId, string clinicId, Func<IClinicGrain, Task<Result<DomainClinic>>> change)
    {
        WireFormat.RequestId(requestId, required: false);
        var clinic = Clinic(WireFormat.Id(clinicId, "clinic_id"));
        return MapClinic((await change(clinic)).OrThrow());
    }

    private static DomainClinic MapClinic(CreateClinicRequest r)
    {
        var clinicId = WireFormat.Id(r.ClinicId, "clinic_id");
        var name = WireFormat.RequiredText(r.Name, "name");
        var address = WireFormat.Text(r.Address, "address");
        var zone = WireFormat.Zone(r.TimeZone, "time_zone");
        var window = r.HasCancellationWindowMinutes
            ? WireFormat.Minutes(r.CancellationWindowMinutes, "cancellation_window_minutes", 0, MaxCancellationWindowMinutes)
            : DomainClinic.DefaultCancellationWindow;
        var hours = MapOpeningHours(r.OpeningHours);
        WireFormat.Count(r.Closures, "closures", MaxClosures);
        var closures = r.Closures.Select((c, i) => MapClosure(c, $"closures[{i}]")).ToList();
        WireFormat.Count(r.Rooms, "rooms", MaxRooms);
        var rooms = r.Rooms.Select((room, i) => MapRoom(room, $"rooms[{i}]")).ToList();
        WireFormat.Count(r.Services, "services", MaxServices);
        var services = r.Services.Select((s, i) => MapService(s, $"services[{i}]")).ToList();
        return new DomainClinic(clinicId, name, address, zone, hours, closures, window, rooms, services);
    }

    private static List<OpeningRange> MapOpeningHours(IReadOnlyList<V1.OpeningRange> hours)
    {
        WireFormat.Count(hours, "opening_hours", MaxOpeningRanges);
        return hours.Select((h, i) => new OpeningRange(
            WireFormat.Day(h.Day, $"opening_hours[{i}].day"),
            WireFormat.TimeRange(h.Start, h.End, $"opening_hours[{i}]"))).ToList();
    }

    private static DomainClosure MapClosure(V1.Closure c, string prefix)
    {
        var first = WireFormat.Date(c.FirstDate, WireFormat.Join(prefix, "first_date"));
        var last = WireFormat.Date(c.LastDate, WireFormat.Join(prefix, "last_date"));
        if (last < first)
        {
            ApiErrors.ThrowInvalid(WireFormat.Join(prefix, "last_date"), "The closure ends before it starts.");
        }
        return new DomainClosure(new DateRange(first, last), WireFormat.Text(c.Reason, WireFormat.Join(prefix, "reason"), Validation.MaxNameLength));
    }

    private static DomainRoom MapRoom(V1.Room r, string prefix)
    {
        WireFormat.Count(r.OutOfService, WireFormat.Join(prefix, "out_of_service"), 100);
        return new DomainRoom(
            WireFormat.Id(r.RoomId, WireFormat.Join(prefix, "room_id")),
            WireFormat.RequiredText(r.Name, WireFormat.Join(prefix, "name")),
            WireFormat.Tags(r.Features, WireFormat.Join(prefix, "features")),
            r.OutOfService.Select((p, i) =>
            {
                var at = WireFormat.Join(prefix, $"out_of_service[{i}]");
                return new OutOfServicePeriod(MapPeriod(p.Start, p.End, at), WireFormat.Text(p.Reason, WireFormat.Join(at, "reason"), Validation.MaxNameLength));
            }).ToList());
    }

    private static Interval MapPeriod(Google.Protobuf.WellKnownTypes.Timestamp? start, Google.Protobuf.WellKnownTypes.Timestamp? end, string prefix)
    {
        var from = WireFormat.Instant(start, WireFormat.Join(prefix, "start"));
        var to = WireFormat.Instant(end, WireFormat.Join(prefix, "end"));
        if (to <= from)
        {
            ApiErrors.ThrowInvalid(WireFormat.Join(prefix, "end"), "The period must end after it starts.");
        }
        return new Interval(from, to);
    }

    private static DomainService MapService(V1.Service s, string prefix)
    {
        var id = WireFormat.Id(s.ServiceId, WireFormat.Join(prefix, "service_id"));
        var name = WireFormat.RequiredText(s.Name, WireFormat.Join(prefix, "name"));
        var duration = WireFormat.Minutes(s.DurationMinutes, WireFormat.Join(prefix, "duration_minutes"), 1, (int)ConfigValidation.MaxServiceDuration.TotalMinutes);
        var turnover = WireFormat.Minutes(s.TurnoverMinutes, WireFormat.Join(prefix, "turnover_minutes"), 0, (int)ConfigValidation.MaxTurnover.TotalMinutes);
        var features = WireFormat.Tags(s.RequiredFeatures, WireFormat.Join(prefix, "required_features"));
        var qualification = WireFormat.OptionalId(s.RequiredQualification, WireFormat.Join(prefix, "required_qualification"));
        if (s.PriceMinor < 0 || s.PriceMinor > ConfigValidation.MaxPrice * 100)
        {
            ApiErrors.ThrowInvalid(WireFormat.Join(prefix, "price_minor"), $"The price must be between 0 and {ConfigValidation.MaxPrice * 100} minor units.");
        }
        return new DomainService(id, name, duration, turnover, features, qualification, s.PriceMinor / 100m);
    }

    private static V1.Clinic MapClinic(DomainClinic c)
    {
        var clinic = new V1.Clinic
        {
            ClinicId = c.Id,
            Name = c.Name,
            Address = c.Address,
            TimeZone = c.TimeZoneId,
            CancellationWindowMinutes = WireFormat.WholeMinutes(c.CancellationWindow),
        };
        clinic.OpeningHours.AddRange(c.OpeningHours.Select(MapOpeningRange));
        clinic.Closures.AddRange(c.Closures.Select(MapClosure));
        clinic.Rooms.AddRange(c.Rooms.Select(MapRoom));
        clinic.Services.AddRange(c.Services.Select(MapService));
        return clinic;
    }

    private static V1.OpeningRange MapOpeningRange(OpeningRange o) => new()
    {
        Day = (V1.DayOfWeek)(int)o.Day,
        Start = WireFormat.FormatTime(o.Hours.Start),
        End = WireFormat.FormatEnd(o.Hours),
    };

    private static V1.Closure MapClosure(DomainClosure c) => new()
    {
        FirstDate = WireFormat.FormatDate(c.Dates.From),
        LastDate = WireFormat.FormatDate(c.Dates.To),
        Reason = c.Reason,
    };

    private static V1.Room MapRoom(DomainRoom r)
    {
        var room = new V1.Room { RoomId = r.Id, Name = r.Name, Features = { r.Features } };
        room.OutOfService.AddRange(r.OutOfService.Select(p => new V1.OutOfServicePeriod
        {
            Start = WireFormat.ToTimestamp(p.Period.Start),
            End = WireFormat.ToTimestamp(p.Period.End),
            Reason = p.Reason,
        }));
        return room;
    }

    private static V1.Service MapService(DomainService s) => new()
    {
        ServiceId = s.Id,
        Name = s.Name,
        DurationMinutes = WireFormat.WholeMinutes(s.Duration),
        TurnoverMinutes = WireFormat.WholeMinutes(s.Turnover),
        RequiredFeatures = { s.RequiredFeatures },
        RequiredQualification = s.RequiredQualification ?? "",
        PriceMinor = (long)decimal.Round(s.Price * 100m),
    };
}
