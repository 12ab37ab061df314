using NmtPractice.Persistence.Outbox;

namespace NmtPractice.Grains.Events;

/// <summary>Reads the outbox for the event stream; the filter is applied here so that only matching events travel.</summary>
[StatelessWorker]
public sealed class EventFeedGrain(OutboxStore outbox) : Grain, IEventFeedGrain
{
    public const int MaxLimit = 1000;

    async Task<EventPage> IEventFeedGrain.Read(long afterCursor, EventFilter filter, int limit)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var page = await outbox.ReadAsync(Math.Max(0, afterCursor), Math.Clamp(limit, 1, MaxLimit));
        var events = page.Events.Select(ToEvent).Where(filter.Matches).ToList();
        return new EventPage(events, page.ScannedTo, page.Full, !page.Full && !page.Blocked);
    }

    private static DomainEvent ToEvent(OutboxRow row) =>
        new(row.Cursor, row.EventId, row.Type, row.SourceClinicId, row.ClinicIds, row.TherapistIds, row.Subject, row.OccurredAt, row.DataJson);
}
