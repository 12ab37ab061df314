using NmtPractice.Domain.Appointments;
using DomainRescheduleRequest = NmtPractice.Grains.Abstractions.Booking.RescheduleRequest;
using DomainStatus = NmtPractice.Domain.Appointments.AppointmentStatus;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using WireStatus = NmtPractice.Api.V1.AppointmentStatus;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// Availability, booking and the appointment lifecycle through the booking and appointment grains; listings read the
/// appointments ledger (the read model) through the appointment query grain and show only what the caller may see (<see cref="Visibility"/>).
/// </summary>
public sealed partial class BookingGrpcService(IGrainFactory grains, ILogger<BookingGrpcService> logger)
    : BookingService.BookingServiceBase
{
    public const int MaxSearchDays = BookingLimits.MaxSearchDays;
    public const int MaxListDays = 92;
    public const int MaxGridMinutes = BookingLimits.MaxGridMinutes;

    // Generated log methods check the level before boxing their arguments: a booking pays nothing when Information is off.
    [LoggerMessage(Level = LogLevel.Information, Message = "Book {RequestId} at clinic {ClinicId} for {Start}")]
    private static partial void LogBook(ILogger logger, string requestId, string clinicId, Instant start);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hold {RequestId} at clinic {ClinicId} for {Start}")]
    private static partial void LogHold(ILogger logger, string requestId, string clinicId, Instant start);

    public override async Task<SearchAvailabilityResponse> SearchAvailability(SearchAvailabilityRequest request, ServerCallContext context)
    {
        var query = MapAvailability(request);
        var pageSize = Paging.PageSize(request.PageSize);
        var slots = (await grains.GetGrain<IBookingGrain>(0).SearchAvailability(query)).OrThrow();
        var (page, next) = Paging.ByOffset(slots, pageSize, request.PageToken);
        var response = new SearchAvailabilityResponse { NextPageToken = next };
        response.Slots.AddRange(page.Select(WireFormat.ToSlot));
        return response;
    }

    public override async Task<Appointment> Hold(HoldRequest request, ServerCallContext context)
    {
        var booking = MapHold(request);
        LogHold(logger, booking.RequestId, booking.ClinicId, booking.Start);
        return MapAppointment((await grains.GetGrain<IBookingGrain>(0).Book(booking)).OrThrow());
    }

    public override async Task<Appointment> ConfirmHold(ConfirmHoldRequest request, ServerCallContext context)
    {
        var requestId = WireFormat.RequestId(request.RequestId, required: false);
        return MapAppointment((await AppointmentGrain(request.AppointmentId).Confirm(requestId)).OrThrow());
    }

    public override async Task<Appointment> Book(BookRequest request, ServerCallContext context)
    {
        var booking = MapBooking(request);
        LogBook(logger, booking.RequestId, booking.ClinicId, booking.Start);
        return MapAppointment((await grains.GetGrain<IBookingGrain>(0).Book(booking)).OrThrow());
    }

    public override async Task<Appointment> Reschedule(V1.RescheduleRequest request, ServerCallContext context)
    {
        var requestId = WireFormat.RequestId(request.RequestId, required: false);
        var appointment = AppointmentGrain(request.AppointmentId);
        var move = MapReschedule(request) with { RequestId = requestId };
        return MapAppointment((await appointment.Reschedule(move)).OrThrow());
    }

    public override async Task<Appointment> Cancel(CancelRequest request, ServerCallContext context)
    {
        var requestId = WireFormat.RequestId(request.RequestId, required: false);
        var appointment = AppointmentGrain(request.AppointmentId);
        var reason = WireFormat.Text(request.Reason, "reason", Validation.MaxNameLength);
        return MapAppointment((await appointment.Cancel(reason, requestId)).OrThrow());
    }

    public override async Task<Appointment> CheckIn(CheckInRequest request, ServerCallContext context)
    {
        var requestId = WireFormat.RequestId(request.RequestId, required: false);
        return MapAppointment((await AppointmentGrain(request.AppointmentId).CheckIn(requestId)).OrThrow());
    }

    public override async Task<Appointment> Complete(CompleteRequest request, ServerCallContext context)
    {
        var requestId = WireFormat.RequestId(request.RequestId, required: false);
        return MapAppointment((await AppointmentGrain(request.AppointmentId).Complete(requestId)).OrThrow());
    }

    public override async Task<Appointment> MarkNoShow(MarkNoShowRequest request, ServerCallContext context)
    {
        var requestId = WireFormat.RequestId(request.RequestId, required: false);
        return MapAppointment((await AppointmentGrain(request.AppointmentId).MarkNoShow(requestId)).OrThrow());
    }

    public override async Task<Appointment> GetAppointment(GetAppointmentRequest request, ServerCallContext context)
    {
        var appointment = await AppointmentGrain(request.AppointmentId).Get()
            ?? throw ApiErrors.NotFound("appointment_id", $"Appointment {request.AppointmentId} does not exist.");
        return MapAppointment(appointment);
    }

    public override async Task<ListAppointmentsResponse> ListClinicDay(ListClinicDayRequest request, ServerCallContext context)
    {
        var clinicId = WireFormat.Id(request.ClinicId, "clinic_id");
        var date = WireFormat.Date(request.Date, "date");
        var pageSize = Paging.PageSize(request.PageSize);
        var clinic = await grains.ExistingClinic(clinicId);
        var (from, to) = DayBounds(date, date, clinic.Zone);
        var appointments = Visibility.Filter(await Appointments.ForClinic(clinicId, from, to));
        return MapPage(appointments, pageSize, request.PageToken);
    }

    public override async Task<V1.ClinicDayView> GetClinicDayView(GetClinicDayViewRequest request, ServerCallContext context)
    {
        var clinicId = WireFormat.Id(request.ClinicId, "clinic_id");
        var date = WireFormat.Date(request.Date, "date");
        var view = (await grains.GetGrain<IScheduleViewGrain>(0).ClinicDay(clinicId, date)).OrThrow();
        return ScheduleMapping.ClinicDay(view);
    }

    public override async Task<ListAppointmentsResponse> ListTherapistAppointments(ListTherapistAppointmentsRequest request, ServerCallContext context)
    {
        var therapistId = WireFormat.Id(request.TherapistId, "therapist_id");
        var (first, last) = DateRange(request.FromDate, request.ToDate);
        var zone = request.TimeZone.Length == 0 ? DateTimeZone.Utc : TimeZones.Get(WireFormat.Zone(request.TimeZone, "time_zone"));
        var pageSize = Paging.PageSize(request.PageSize);
        _ = await grains.ExistingTherapist(therapistId);
        var (from, to) = DayBounds(first, last, zone);
        var appointments = Visibility.Filter(await Appointments.ForTherapist(therapistId, from, to));
        return MapPage(appointments, pageSize, request.PageToken);
    }

    public override async Task<ListAppointmentsResponse> ListClientAppointments(ListClientAppointmentsRequest request, ServerCallContext context)
    {
        var clientId = WireFormat.Id(request.ClientId, "client_id");
        var from = WireFormat.OptionalInstant(request.StartFrom, "start_from") ?? WireFormat.EarliestInstant;
        var to = WireFormat.OptionalInstant(request.StartBefore, "start_before") ?? WireFormat.LatestInstant;
        if (to < from)
        {
            ApiErrors.ThrowInvalid("start_before", "start_before is earlier than start_from.");
        }
        var pageSize = Paging.PageSize(request.PageSize);
        _ = await grains.ExistingClient(clientId);
        var appointments = Visibility.Filter(await Appointments.ForClient(clientId, from, to));
        return MapPage(appointments, pageSize, request.PageToken);
    }

    private IAppointmentQueryGrain Appointments => grains.GetGrain<IAppointmentQueryGrain>(0);

    private IAppointmentGrain AppointmentGrain(string appointmentId)
    {
        if (string.IsNullOrEmpty(appointmentId))
        {
            ApiErrors.ThrowInvalid("appointment_id", "appointment_id is required.");
        }
        return appointmentId.Length <= 64 && Guid.TryParse(appointmentId, out var id)
            ? grains.GetGrain<IAppointmentGrain>(id)
            : throw ApiErrors.ToRpcException(Refusal.Invalid("appointment_id", "appointment_id is not an appointment id (a UUID)."));
    }

    /// <summary>[start of <paramref name="first"/>, start of the day after <paramref name="last"/>) in <paramref name="zone"/>.</summary>
    private static (Instant From, Instant To) DayBounds(LocalDate first, LocalDate last, DateTimeZone zone) =>
        (first.AtStartOfDayInZone(zone).ToInstant(), last.PlusDays(1).AtStartOfDayInZone(zone).ToInstant());

    private static (LocalDate First, LocalDate Last) DateRange(string fromDate, string toDate) =>
        WireFormat.DateRange(fromDate, toDate, MaxListDays, $"List at most {MaxListDays} days at a time.");

    private static AvailabilityRequest MapAvailability(SearchAvailabilityRequest r)
    {
        var clinicId = WireFormat.Id(r.ClinicId, "clinic_id");
        var serviceId = WireFormat.Id(r.ServiceId, "service_id");
        var (first, last) = WireFormat.DateRange(r.FromDate, r.ToDate, MaxSearchDays, $"Search at most {MaxSearchDays} days at a time.");
        var therapistId = WireFormat.OptionalId(r.TherapistId, "therapist_id");
        var clientId = WireFormat.OptionalId(r.ClientId, "client_id");
        var grid = r.GridMinutes == 0 ? (Duration?)null : WireFormat.Minutes(r.GridMinutes, "grid_minutes", BookingLimits.MinGridMinutes, MaxGridMinutes);
        return new AvailabilityRequest(clinicId, serviceId, first, last, therapistId, clientId, grid);
    }

    private static BookingRequest MapBooking(BookRequest r) =>
        MapBooking(r.RequestId, r.ClinicId, r.ServiceId, r.TherapistId, r.RoomId, r.ClientId, r.Start);

    private static BookingRequest MapHold(HoldRequest r) =>
        MapBooking(r.RequestId, r.ClinicId, r.ServiceId, r.TherapistId, r.RoomId, r.ClientId, r.Start) with
        {
            HoldFor = r.HoldMinutes == 0
                ? AppointmentLifecycle.DefaultHoldDuration
                : WireFormat.Minutes(r.HoldMinutes, "hold_minutes", 1, (int)AppointmentLifecycle.MaxHoldDuration.TotalMinutes),
        };

    /// <summary>The fields a booking and a hold share, checked in this order.</summary>
    private static BookingRequest MapBooking(
        string requestId, string clinicId, string serviceId, string therapistId, string roomId, string clientId, Timestamp? start) => new(
        WireFormat.RequestId(requestId, required: true)!,
        WireFormat.Id(clinicId, "clinic_id"),
        WireFormat.Id(serviceId, "service_id"),
        WireFormat.OptionalId(therapistId, "therapist_id"),
        WireFormat.OptionalId(roomId, "room_id"),
        WireFormat.Id(clientId, "client_id"),
        WireFormat.Instant(start, "start"));

    private static DomainRescheduleRequest MapReschedule(V1.RescheduleRequest r) => new(
        WireFormat.Instant(r.NewStart, "new_start"),
        WireFormat.OptionalId(r.TherapistId, "therapist_id"),
        WireFormat.OptionalId(r.RoomId, "room_id"));

    private static ListAppointmentsResponse MapPage(IReadOnlyList<AppointmentRecord> appointments, int pageSize, string pageToken)
    {
        var (page, next) = Paging.ByOffset(appointments, pageSize, pageToken);
        var response = new ListAppointmentsResponse { NextPageToken = next };
        response.Appointments.AddRange(page.Select(MapAppointment));
        return response;
    }

    internal static Appointment MapAppointment(AppointmentRecord a) => new()
    {
        AppointmentId = a.Id.ToString(),
        RequestId = a.RequestId,
        ClinicId = a.ClinicId,
        TherapistId = a.TherapistId,
        RoomId = a.RoomId,
        ClientId = a.ClientId,
        ServiceId = a.ServiceId,
        Start = WireFormat.ToTimestamp(a.Start),
        End = WireFormat.ToTimestamp(a.End),
        RoomFreeAt = WireFormat.ToTimestamp(a.RoomFreeAt),
        Status = MapStatus(a.Status),
        HoldExpiresAt = WireFormat.ToTimestamp(a.HoldExpiresAt),
        CancelReason = a.CancelReason ?? "",
        CancelledLate = a.CancelledLate,
        CreatedAt = WireFormat.ToTimestamp(a.CreatedAt),
        UpdatedAt = WireFormat.ToTimestamp(a.UpdatedAt),
        Version = a.Version,
    };

    private static WireStatus MapStatus(DomainStatus status) => status switch
    {
        DomainStatus.Pending => WireStatus.Pending,
        DomainStatus.Booked => WireStatus.Booked,
        DomainStatus.Arrived => WireStatus.Arrived,
        DomainStatus.Fulfilled => WireStatus.Fulfilled,
        DomainStatus.Cancelled => WireStatus.Cancelled,
        DomainStatus.NoShow => WireStatus.NoShow,
        _ => WireStatus.Unspecified,
    };
}
