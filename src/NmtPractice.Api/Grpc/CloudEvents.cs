using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace NmtPractice.Api.Grpc;

/// <summary>An outbox event as a CloudEvents 1.0 event and as the stream's envelope (docs/events.md).</summary>
public static class CloudEvents
{
    private static readonly JsonEventFormatter Formatter = new();

    /// <summary><c>/nmt/clinics/{clinicId}</c>, or <c>/nmt</c> for an event of no clinic.</summary>
    public static Uri Source(string? clinicId) =>
        new(clinicId is null ? "/nmt" : $"/nmt/clinics/{Uri.EscapeDataString(clinicId)}", UriKind.Relative);

    public static CloudEvent ToCloudEvent(DomainEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var data = JsonDocument.Parse(e.DataJson);
        return new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = e.EventId.ToString(),
            Source = Source(e.SourceClinicId),
            Type = e.Type,
            Subject = e.Subject,
            Time = e.Time.ToDateTimeOffset(),
            DataContentType = "application/json",
            Data = data.RootElement.Clone(),
        };
    }

    /// <summary>The event in the CloudEvents JSON format (structured mode).</summary>
    public static string ToJson(CloudEvent cloudEvent) =>
        Encoding.UTF8.GetString(Formatter.EncodeStructuredModeMessage(cloudEvent, out _).Span);

    public static EventEnvelope ToEnvelope(DomainEvent e)
    {
        var cloudEvent = ToCloudEvent(e);
        return new EventEnvelope
        {
            Cursor = e.Cursor,
            CloudEventJson = ToJson(cloudEvent),
            Id = cloudEvent.Id,
            Type = e.Type,
            Source = cloudEvent.Source!.ToString(),
            Subject = e.Subject,
            Time = WireFormat.ToTimestamp(e.Time),
            DataJson = e.DataJson,
        };
    }
}
