using System.Globalization;
using Grpc.Core;
using NmtPractice.Api.V1;
using Orleans;

namespace NmtPractice.Benchmarks;

/// <summary>
/// A front-desk interaction over gRPC: <c>SearchAvailability</c> for the attempt's clinic, service and client on its
/// one day (the first <see cref="PageSize"/> slots, as a screen shows them), then <c>Book</c> of one offered slot (its
/// therapist and room). The latency the runner records is search + book. A day with nothing free is the refusal
/// NO_SLOT; a slot taken between search and book is the booking's refusal reason.
/// </summary>
public sealed class GrpcFrontDeskDriver(BookingService.BookingServiceClient client) : IBookingDriver
{
    public const int PageSize = 10;

    public async Task<AttemptOutcome> BookAsync(int caller, BookingAttempt a, CancellationToken ct)
    {
        var day = a.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var found = await client.SearchAvailabilityAsync(new SearchAvailabilityRequest
        {
            ClinicId = a.ClinicId,
            ServiceId = a.Service.Id,
            ClientId = a.ClientId,
            FromDate = day,
            ToDate = day,
            PageSize = PageSize,
        }, cancellationToken: ct);
        if (found.Slots.Count == 0)
        {
            return AttemptOutcome.Refused("NO_SLOT");
        }
        var slot = found.Slots[PickSlot(a, found.Slots.Count)];
        try
        {
            await client.BookAsync(new BookRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                ClinicId = a.ClinicId,
                ServiceId = a.Service.Id,
                ClientId = a.ClientId,
                Start = slot.Start,
                TherapistId = slot.TherapistId,
                RoomId = slot.RoomId,
            }, cancellationToken: ct);
            return AttemptOutcome.Ok;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            return AttemptOutcome.Refused(GrpcDriver.Reason(e) ?? "FAILED_PRECONDITION");
        }
    }

    /// <summary>The client takes one of the offered slots; which one is fixed by the attempt, so every variant picks alike.</summary>
    public static int PickSlot(BookingAttempt a, int offered) => (int)((uint)HashCode.Combine(a.ClientId, a.Date) % (uint)offered);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The same interaction through IBookingGrain in-process (no gRPC), to see what the edge adds.</summary>
public sealed class GrainFrontDeskDriver(IGrainFactory grains) : IBookingDriver
{
    public async Task<AttemptOutcome> BookAsync(int caller, BookingAttempt a, CancellationToken ct)
    {
        var booking = grains.GetGrain<IBookingGrain>(0);
        var found = await booking.SearchAvailability(new AvailabilityRequest(a.ClinicId, a.Service.Id, a.Date, a.Date, ClientId: a.ClientId));
        if (!found.IsOk)
        {
            return AttemptOutcome.Refused(found.Refusal!.Code);
        }
        var slots = found.Value!;
        if (slots.Count == 0)
        {
            return AttemptOutcome.Refused("NO_SLOT");
        }
        var slot = slots[GrpcFrontDeskDriver.PickSlot(a, Math.Min(slots.Count, GrpcFrontDeskDriver.PageSize))];
        var result = await booking.Book(new BookingRequest(
            Guid.NewGuid().ToString(), a.ClinicId, a.Service.Id, slot.TherapistId, slot.RoomId, a.ClientId, slot.Start));
        return result.IsOk ? AttemptOutcome.Ok : AttemptOutcome.Refused(result.Refusal!.Code);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
