using DomainCoverItemStatus = NmtPractice.Grains.Abstractions.Cover.CoverItemStatus;
using WireCoverItemStatus = NmtPractice.Api.V1.CoverItemStatus;

namespace NmtPractice.Api.Grpc;

/// <summary>Wire mapping of the schedule views and cover plans, shared by the staff and booking services.</summary>
internal static class ScheduleMapping
{
    /// <summary>[start, end) as instants and on <paramref name="zone"/>'s wall clock; an end at the next midnight reads "24:00".</summary>
    public static LocalInterval Span(Interval interval, DateTimeZone zone)
    {
        var start = interval.Start.InZone(zone);
        var end = interval.End.InZone(zone);
        return new LocalInterval
        {
            Start = WireFormat.ToTimestamp(interval.Start),
            End = WireFormat.ToTimestamp(interval.End),
            LocalStart = WireFormat.FormatTime(start.TimeOfDay),
            LocalEnd = end.Date > start.Date && end.TimeOfDay == LocalTime.Midnight ? "24:00" : WireFormat.FormatTime(end.TimeOfDay),
        };
    }

    public static IEnumerable<LocalInterval> Spans(IEnumerable<Interval> intervals, DateTimeZone zone) => intervals.Select(i => Span(i, zone));

    public static V1.CoverPlan Plan(NmtPractice.Grains.Abstractions.Cover.CoverPlan plan)
    {
        var wire = new V1.CoverPlan
        {
            PlanId = plan.PlanId.ToString(),
            TherapistId = plan.TherapistId,
            Start = WireFormat.ToTimestamp(plan.From),
            End = WireFormat.ToTimestamp(plan.To),
            Cause = plan.Cause,
            CreatedAt = WireFormat.ToTimestamp(plan.CreatedAt),
            ExceptionId = plan.ExceptionId ?? "",
        };
        wire.Items.AddRange(plan.Items.Select(Item));
        return wire;
    }

    public static ApplyCoverResponse Outcome(CoverOutcome outcome)
    {
        var response = new ApplyCoverResponse
        {
            PlanId = outcome.PlanId.ToString(),
            Applied = outcome.Items.Count(i => i.Status == DomainCoverItemStatus.Applied),
            ToContact = outcome.Items.Count(i => i.NeedsContact),
        };
        response.Items.AddRange(outcome.Items.Select(Item));
        return response;
    }

    public static V1.CoverItem Item(NmtPractice.Grains.Abstractions.Cover.CoverItem i) => new()
    {
        AppointmentId = i.AppointmentId.ToString(),
        ClientId = i.ClientId,
        ClientName = i.ClientName,
        ClientPhone = i.ClientPhone ?? "",
        ServiceId = i.ServiceId,
        Start = WireFormat.ToTimestamp(i.Start),
        End = WireFormat.ToTimestamp(i.End),
        ClinicId = i.ClinicId,
        TherapistId = i.TherapistId,
        RoomId = i.RoomId,
        Status = i.Status switch
        {
            DomainCoverItemStatus.Proposed => WireCoverItemStatus.Proposed,
            DomainCoverItemStatus.Uncovered => WireCoverItemStatus.Uncovered,
            DomainCoverItemStatus.Applied => WireCoverItemStatus.Applied,
            DomainCoverItemStatus.Failed => WireCoverItemStatus.Failed,
            _ => WireCoverItemStatus.Unspecified,
        },
        NewClinicId = i.NewClinicId ?? "",
        NewTherapistId = i.NewTherapistId ?? "",
        NewRoomId = i.NewRoomId ?? "",
        NewEnd = WireFormat.ToTimestamp(i.NewEnd),
        Reason = i.Reason ?? "",
        ReasonCode = i.ReasonCode ?? "",
        ContactClient = i.NeedsContact,
    };

    public static TherapistWeek Week(TherapistWeekView view)
    {
        var week = new TherapistWeek { TherapistId = view.TherapistId, Name = view.Name, StartDate = WireFormat.FormatDate(view.From) };
        foreach (var day in view.Days)
        {
            var wireDay = new TherapistWeekDay { Date = WireFormat.FormatDate(day.Date) };
            foreach (var c in day.Clinics)
            {
                var zone = TimeZones.Get(c.TimeZoneId);
                var clinicDay = new TherapistClinicDay { ClinicId = c.ClinicId, ClinicName = c.ClinicName, TimeZone = c.TimeZoneId };
                clinicDay.Shifts.AddRange(Spans(c.Shifts, zone));
                clinicDay.Absent.AddRange(Spans(c.Absent, zone));
                clinicDay.Appointments.AddRange(c.Appointments.Select(BookingGrpcService.MapAppointment));
                wireDay.Clinics.Add(clinicDay);
            }
            week.Days.Add(wireDay);
        }
        return week;
    }

    public static V1.ClinicDayView ClinicDay(NmtPractice.Grains.Abstractions.Views.ClinicDayView view)
    {
        var zone = TimeZones.Get(view.TimeZoneId);
        var wire = new V1.ClinicDayView
        {
            ClinicId = view.ClinicId,
            ClinicName = view.ClinicName,
            TimeZone = view.TimeZoneId,
            Date = WireFormat.FormatDate(view.Date),
            ClosedReason = view.ClosedReason ?? "",
        };
        wire.Open.AddRange(Spans(view.Open, zone));
        foreach (var room in view.Rooms)
        {
            var wireRoom = new RoomDay { RoomId = room.RoomId, Name = room.Name };
            wireRoom.Features.AddRange(room.Features);
            wireRoom.OutOfService.AddRange(Spans(room.OutOfService, zone));
            wireRoom.Appointments.AddRange(room.Appointments.Select(BookingGrpcService.MapAppointment));
            wire.Rooms.Add(wireRoom);
        }
        foreach (var therapist in view.Therapists)
        {
            var wireTherapist = new TherapistOnDay { TherapistId = therapist.TherapistId, Name = therapist.Name };
            wireTherapist.Shifts.AddRange(Spans(therapist.Shifts, zone));
            wireTherapist.Absent.AddRange(Spans(therapist.Absent, zone));
            wireTherapist.Appointments.AddRange(therapist.Appointments.Select(BookingGrpcService.MapAppointment));
            wire.Therapists.Add(wireTherapist);
        }
        return wire;
    }
}
