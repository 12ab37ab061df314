using Microsoft.Extensions.Options;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// The live event stream: replays the outbox after the caller's cursor, then polls it for new events. The caller's
/// scope becomes the filter (the gate checked the clinics named in the request); the outbox read never passes a cursor
/// that a running transaction may still fill, so resuming from the last cursor received leaves no gap.
/// </summary>
public sealed class EventGrpcService(IGrainFactory grains, IOptions<EventStreamOptions> options) : EventService.EventServiceBase
{
    public const int MaxTypes = 32;
    public const int MaxClinics = 100;

    public override async Task WatchEvents(WatchEventsRequest request, IServerStreamWriter<EventEnvelope> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var filter = Filter(request, CallerContext.Current);
        var settings = options.Value;
        var feed = grains.GetGrain<IEventFeedGrain>(0);
        var cursor = request.AfterCursor;
        var ct = context.CancellationToken;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var page = await feed.Read(cursor, filter, settings.BatchSize);
                foreach (var e in page.Events)
                {
                    await responseStream.WriteAsync(CloudEvents.ToEnvelope(e), ct);
                }
                cursor = page.ScannedTo;
                if (page.More)
                {
                    continue;
                }
                if (request.ReplayOnly && page.CaughtUp)
                {
                    return;
                }
                await Task.Delay(settings.PollInterval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller went away: the stream simply ends.
        }
    }

    /// <summary>The request's filters within the caller's scope: a therapist their own events, the desk and managers their clinics'.</summary>
    public static EventFilter Filter(WatchEventsRequest request, Caller? caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AfterCursor < 0)
        {
            ApiErrors.ThrowInvalid("after_cursor", "after_cursor is 0 (from the start) or the cursor of an event received.");
        }
        if (request.Types_.Count > MaxTypes)
        {
            ApiErrors.ThrowInvalid("types", $"At most {MaxTypes} types.");
        }
        if (request.Types_.FirstOrDefault(t => !EventTypes.All.Contains(t, StringComparer.Ordinal)) is { } unknown)
        {
            ApiErrors.ThrowInvalid("types", $"Unknown event type '{unknown}'; the types are listed in docs/events.md.");
        }
        if (request.ClinicIds.Count > MaxClinics)
        {
            ApiErrors.ThrowInvalid("clinic_ids", $"At most {MaxClinics} clinics.");
        }
        var clinics = request.ClinicIds.Select(c => WireFormat.Id(c, "clinic_ids")).Distinct(StringComparer.Ordinal).ToList();
        if (caller is not null && clinics.FirstOrDefault(c => !caller.CanSeeClinic(c)) is { } foreign)
        {
            ApiErrors.ThrowRefused(new Refusal(RefusalReason.NotAllowed, $"Clinic {foreign} is not one of your clinics.", "clinic_ids"));
        }
        IReadOnlyList<string> types = [.. request.Types_.Distinct(StringComparer.Ordinal)];
        IReadOnlyList<string>? named = clinics.Count == 0 ? null : clinics;
        return caller?.Role switch
        {
            null or Role.ChainAdmin => new EventFilter(types, named, null),
            Role.Therapist => new EventFilter(types, named, caller.TherapistId ?? ""),
            _ => new EventFilter(types, named ?? caller.ClinicIds, null),
        };
    }
}
