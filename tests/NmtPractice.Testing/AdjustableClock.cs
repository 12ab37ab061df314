using NodaTime;

namespace NmtPractice.Testing;

/// <summary>
/// A clock that runs with real time but can be moved forward, so tests can expire holds and reservations
/// without waiting while everything else (timeouts, the database) keeps its real pace.
/// </summary>
public sealed class AdjustableClock : IClock
{
    private long _offsetTicks;

    public Instant GetCurrentInstant() => SystemClock.Instance.GetCurrentInstant() + Duration.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(Duration by) => Interlocked.Add(ref _offsetTicks, by.BclCompatibleTicks);
}
