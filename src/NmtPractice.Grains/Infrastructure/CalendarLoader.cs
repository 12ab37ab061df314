namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Group reads for calendars, the read-side twin of <see cref="LedgerInsertBatcher"/>: calendars that load (on their
/// first call, or to rebuild) while a read is in flight are read together in the next one, in one round trip
/// (<see cref="AppointmentLedger.ListOccupyingManyAsync"/>), each with its own rows. Under load (every cold booking
/// loads a therapist-day, a clinic-day and a client calendar) PostgreSQL answers one statement per kind of calendar
/// per batch instead of one per calendar. Each read is the ledger's state at the time of its statement, so rebuilding
/// from the ledger keeps its meaning. Tracing: each read is an <c>nmt.ledger.load</c> activity.
/// </summary>
public sealed class CalendarLoader(AppointmentLedger ledger, ILogger<CalendarLoader> logger)
    : CallBatcher<OccupancyQuery, IReadOnlyList<AppointmentRecord>>("nmt.ledger.load", MaxBatch, Readers, logger)
{
    public const int MaxBatch = 256;
    private const int Readers = 2;

    /// <summary>The active appointments of <paramref name="query"/>'s resource in its window, by start.</summary>
    public Task<IReadOnlyList<AppointmentRecord>> LoadAsync(OccupancyQuery query) => Enqueue(query);

    protected override Task<IReadOnlyList<IReadOnlyList<AppointmentRecord>>> ExecuteAsync(IReadOnlyList<OccupancyQuery> items) =>
        ledger.ListOccupyingManyAsync(items);
}
