using Google.Rpc;
using NmtPractice.Api.Grpc;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>A whole front-desk day through the gRPC API, on the real server.</summary>
[Collection(ApiCollection.Name)]
public sealed class FrontDeskDayTests(ApiServerFixture api)
{
    [Fact]
    public async Task A_front_desk_day_from_set_up_to_no_show()
    {
        var chain = new ApiChain(api, "day");
        var clinic = await chain.CreateClinicAsync();
        Assert.Equal(3, clinic.Rooms.Count);
        Assert.Equal(1440, clinic.CancellationWindowMinutes);
        Assert.Equal("24:00", clinic.OpeningHours[0].End);
        clinic = await api.Clinics.UpsertServiceAsync(new UpsertServiceRequest
        {
            RequestId = ApiChain.NewRequestId(),
            ClinicId = chain.ClinicId,
            Service = new V1.Service { ServiceId = ApiChain.Trigger, Name = "Trigger-point therapy", DurationMinutes = 30, TurnoverMinutes = 10, PriceMinor = 4000 },
        });
        Assert.Equal(2, clinic.Services.Count);
        await chain.CreateTherapistAsync();
        var grace = await chain.RegisterClientAsync("grace");
        var harry = await chain.RegisterClientAsync("harry");

        // Availability two days ahead: every 15 minutes round the clock, in London wall-clock time.
        var date = chain.Date(2);
        var search = await api.Bookings.SearchAvailabilityAsync(new SearchAvailabilityRequest
        {
            ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, FromDate = ApiChain.Iso(date), ToDate = ApiChain.Iso(date), PageSize = 500,
        });
        Assert.NotEmpty(search.Slots);
        var ten = search.Slots.Single(s => s.LocalStart == $"{ApiChain.Iso(date)}T10:00");
        Assert.Equal(ApiChain.Zone, ten.TimeZone);
        Assert.Equal(chain.TherapistId, ten.TherapistId);
        Assert.Contains(ten.RoomId, new[] { "r1", "r2" });

        // Paging: the second page starts where the first ended.
        var first = await api.Bookings.SearchAvailabilityAsync(new SearchAvailabilityRequest
        {
            ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, FromDate = ApiChain.Iso(date), ToDate = ApiChain.Iso(date), PageSize = 10,
        });
        var second = await api.Bookings.SearchAvailabilityAsync(new SearchAvailabilityRequest
        {
            ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, FromDate = ApiChain.Iso(date), ToDate = ApiChain.Iso(date), PageSize = 10,
            PageToken = first.NextPageToken,
        });
        Assert.Equal(search.Slots.Skip(10).Take(10), second.Slots);

        // Hold, retried with the same request id (same hold), then confirmed.
        var holdRequest = new HoldRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = grace.ClientId,
            TherapistId = chain.TherapistId, Start = ten.Start, HoldMinutes = 10,
        };
        var hold = await api.Bookings.HoldAsync(holdRequest);
        Assert.Equal(AppointmentStatus.Pending, hold.Status);
        Assert.NotNull(hold.HoldExpiresAt);
        Assert.Equal(hold.AppointmentId, (await api.Bookings.HoldAsync(holdRequest)).AppointmentId);
        var confirmed = await api.Bookings.ConfirmHoldAsync(new ConfirmHoldRequest { RequestId = ApiChain.NewRequestId(), AppointmentId = hold.AppointmentId });
        Assert.Equal(AppointmentStatus.Booked, confirmed.Status);

        // The same therapist at the same time for another client: refused with the nearest alternatives.
        var conflict = await Assert.ThrowsAsync<RpcException>(async () => await api.Bookings.BookAsync(new BookRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = harry.ClientId,
            TherapistId = chain.TherapistId, Start = ten.Start,
        }));
        Assert.Equal(StatusCode.FailedPrecondition, conflict.StatusCode);
        Assert.Equal("THERAPIST_BUSY", conflict.Detail<ErrorInfo>()!.Reason);
        Assert.Equal(ApiErrors.Domain, conflict.Detail<ErrorInfo>()!.Domain);
        Assert.NotEmpty(conflict.Detail<Alternatives>()!.Slots);

        // Book in one step with automatic room allocation (any room with a hydraulic table), and retry it.
        var bookRequest = new BookRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = harry.ClientId,
            Start = ApiChain.At(date, 14),
        };
        var booked = await api.Bookings.BookAsync(bookRequest);
        Assert.Equal(AppointmentStatus.Booked, booked.Status);
        Assert.Contains(booked.RoomId, new[] { "r1", "r2" });
        Assert.Equal(chain.TherapistId, booked.TherapistId);
        Assert.Equal(booked.AppointmentId, (await api.Bookings.BookAsync(bookRequest)).AppointmentId);

        // Reschedule it to the next day at 09:30.
        var moved = await api.Bookings.RescheduleAsync(new RescheduleRequest
        {
            RequestId = ApiChain.NewRequestId(), AppointmentId = booked.AppointmentId, NewStart = ApiChain.At(date.PlusDays(1), 9, 30),
        });
        Assert.Equal(ApiChain.At(date.PlusDays(1), 9, 30), moved.Start);
        Assert.Equal(AppointmentStatus.Booked, moved.Status);

        // Check in and complete the confirmed hold; cancel the moved booking (early: no late flag).
        Assert.Equal(AppointmentStatus.Arrived, (await api.Bookings.CheckInAsync(new CheckInRequest { AppointmentId = confirmed.AppointmentId })).Status);
        Assert.Equal(AppointmentStatus.Fulfilled, (await api.Bookings.CompleteAsync(new CompleteRequest { AppointmentId = confirmed.AppointmentId })).Status);
        var cancelled = await api.Bookings.CancelAsync(new CancelRequest { RequestId = ApiChain.NewRequestId(), AppointmentId = moved.AppointmentId, Reason = "client unwell" });
        Assert.Equal(AppointmentStatus.Cancelled, cancelled.Status);
        Assert.Equal("client unwell", cancelled.CancelReason);
        Assert.False(cancelled.CancelledLate);

        // No-show: book just ahead of now, let the clock pass the start, then mark it.
        var soon = ApiChain.SoonOnOneDay(api.Clock, Duration.FromHours(1));
        var late = await api.Bookings.BookAsync(new BookRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.Trigger, ClientId = harry.ClientId,
            TherapistId = chain.TherapistId, Start = WireFormat.ToTimestamp(soon),
        });
        var early = await Assert.ThrowsAsync<RpcException>(async () => await api.Bookings.MarkNoShowAsync(new MarkNoShowRequest { AppointmentId = late.AppointmentId }));
        Assert.Equal(StatusCode.FailedPrecondition, early.StatusCode);
        Assert.Equal("INVALID_STATUS_TRANSITION", early.Detail<ErrorInfo>()!.Reason);
        api.Clock.Advance(Duration.FromMinutes(35));
        var noShow = await api.Bookings.MarkNoShowAsync(new MarkNoShowRequest { RequestId = ApiChain.NewRequestId(), AppointmentId = late.AppointmentId });
        Assert.Equal(AppointmentStatus.NoShow, noShow.Status);

        // Listings: the clinic's day, the therapist's range across days, the client's appointments.
        var day = await api.Bookings.ListClinicDayAsync(new ListClinicDayRequest { ClinicId = chain.ClinicId, Date = ApiChain.Iso(date) });
        Assert.Equal([confirmed.AppointmentId], day.Appointments.Select(a => a.AppointmentId));
        Assert.Equal(AppointmentStatus.Fulfilled, day.Appointments[0].Status);
        var range = await api.Bookings.ListTherapistAppointmentsAsync(new ListTherapistAppointmentsRequest
        {
            TherapistId = chain.TherapistId, FromDate = ApiChain.Iso(chain.Date(-1)), ToDate = ApiChain.Iso(date.PlusDays(1)), TimeZone = ApiChain.Zone,
        });
        Assert.Equal(
            new[] { late.AppointmentId, confirmed.AppointmentId, moved.AppointmentId }.Order(),
            range.Appointments.Select(a => a.AppointmentId).Order());
        var pageOne = await api.Bookings.ListTherapistAppointmentsAsync(new ListTherapistAppointmentsRequest
        {
            TherapistId = chain.TherapistId, FromDate = ApiChain.Iso(chain.Date(-1)), ToDate = ApiChain.Iso(date.PlusDays(1)), PageSize = 2,
        });
        Assert.Equal(2, pageOne.Appointments.Count);
        Assert.NotEmpty(pageOne.NextPageToken);
        var harrys = await api.Bookings.ListClientAppointmentsAsync(new ListClientAppointmentsRequest { ClientId = harry.ClientId });
        Assert.Equal(new[] { late.AppointmentId, moved.AppointmentId }.Order(), harrys.Appointments.Select(a => a.AppointmentId).Order());
        var got = await api.Bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = noShow.AppointmentId });
        Assert.Equal(noShow, got);
    }
}
