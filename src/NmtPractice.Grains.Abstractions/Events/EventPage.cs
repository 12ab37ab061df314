namespace NmtPractice.Grains.Abstractions.Events;

/// <summary>
/// A page of events after a cursor: those matching the filter, in cursor order; <see cref="ScannedTo"/> is the cursor to
/// read after next time (past events the filter dropped); <see cref="More"/>: more are waiting, read again at once;
/// <see cref="CaughtUp"/>: nothing committed is left to read (false while events wait behind a transaction still running).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.EventPage")]
public sealed record EventPage(
    [property: Id(0)] IReadOnlyList<DomainEvent> Events,
    [property: Id(1)] long ScannedTo,
    [property: Id(2)] bool More,
    [property: Id(3)] bool CaughtUp);
