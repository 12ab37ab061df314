namespace NmtPractice.Grains.Abstractions.Events;

/// <summary>Reads the outbox (stateless: the outbox is a PostgreSQL table, every silo answers the same).</summary>
[Alias("nmt.IEventFeedGrain")]
public interface IEventFeedGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Events after <paramref name="afterCursor"/> matching <paramref name="filter"/>, scanning at most
    /// <paramref name="limit"/> events; never past a cursor a transaction still running may fill.
    /// </summary>
    [ReadOnly, Alias("Read")] Task<EventPage> Read(long afterCursor, EventFilter filter, int limit);
}

/// <summary>Deletes events older than the retention; one activation in the cluster, so one silo prunes at a time.</summary>
[Alias("nmt.IOutboxPrunerGrain")]
public interface IOutboxPrunerGrain : IGrainWithIntegerKey
{
    /// <summary>Prunes when the last prune is older than the interval; returns how many events it deleted.</summary>
    [Alias("PruneIfDue")] Task<int> PruneIfDue();
}
