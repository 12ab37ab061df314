namespace NmtPractice.Grains.Calendars;

/// <summary>
/// The in-memory calendar of a calendar grain: firm entries (in the ledger) and tentative ones (reserved by a
/// coordinator that has not yet written the ledger). A tentative entry that outlives its expiry belonged to a
/// coordinator that died or timed out: it is dropped and the calendar marks itself stale, so the grain reloads
/// from the ledger before it answers again. Held (pending) entries stop counting once their hold expires.
/// </summary>
public sealed class Calendar<T>
{
    private readonly Dictionary<Guid, Entry> _entries = [];

    private sealed record Entry(Guid AppointmentId, string RequestId, T Item, Instant? TentativeUntil, Instant? HoldUntil);

    /// <summary>True when the calendar may disagree with the ledger and must be reloaded.</summary>
    public bool IsStale { get; private set; } = true;

    public int Count => _entries.Count;

    /// <summary>The entries that occupy their resource at <paramref name="now"/>, except those of <paramref name="ignoreAppointment"/>.</summary>
    public List<T> Busy(Instant now, Guid? ignoreAppointment = null)
    {
        var busy = new List<T>(_entries.Count);
        List<Guid>? expired = null;
        foreach (var (key, entry) in _entries)
        {
            if (entry.TentativeUntil is { } until && until <= now)
            {
                (expired ??= []).Add(key);
                continue;
            }
            if (entry.HoldUntil is { } hold && hold <= now)
            {
                continue;
            }
            if (entry.AppointmentId != ignoreAppointment)
            {
                busy.Add(entry.Item);
            }
        }
        if (expired is not null)
        {
            expired.ForEach(k => _entries.Remove(k));
            IsStale = true;
        }
        return busy;
    }

    public void AddTentative(Tentative tentative, T item) =>
        _entries[tentative.ReservationId] = new Entry(tentative.AppointmentId, tentative.RequestId, item, tentative.ExpiresAt, tentative.HoldExpiresAt);

    /// <summary>The ledger has the reservation's appointment: it stays until released or refreshed.</summary>
    public void Commit(Guid reservationId)
    {
        if (_entries.TryGetValue(reservationId, out var entry))
        {
            _entries[reservationId] = entry with { TentativeUntil = null };
        }
    }

    public void Release(Guid reservationId) => _entries.Remove(reservationId);

    /// <summary>Forgets every entry of the appointment (it moved away, or no longer occupies the resource).</summary>
    public void Remove(Guid appointmentId)
    {
        foreach (var key in _entries.Where(e => e.Value.AppointmentId == appointmentId).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Replaces every entry of the appointment with its current, firm state.</summary>
    public void Put(Guid appointmentId, string requestId, T item, Instant? holdUntil)
    {
        Remove(appointmentId);
        _entries[appointmentId] = new Entry(appointmentId, requestId, item, null, holdUntil);
    }

    /// <summary>
    /// True if another attempt of the same booking request is here, tentative (another coordinator is deciding it:
    /// a client retried before the first answer came back) or firm (it booked already).
    /// </summary>
    public bool HasOtherAttempt(string requestId, Guid appointmentId, Instant now) =>
        _entries.Values.Any(e => e.RequestId == requestId && e.AppointmentId != appointmentId && !(e.TentativeUntil <= now));

    /// <summary>Replaces the firm entries with the ledger's rows; tentative entries in flight are kept.</summary>
    public void Load(IEnumerable<(Guid AppointmentId, string RequestId, T Item, Instant? HoldUntil)> rows)
    {
        foreach (var key in _entries.Where(e => e.Value.TentativeUntil is null).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }
        foreach (var (appointmentId, requestId, item, hold) in rows)
        {
            if (!_entries.Values.Any(e => e.AppointmentId == appointmentId))
            {
                _entries[appointmentId] = new Entry(appointmentId, requestId, item, null, hold);
            }
        }
        IsStale = false;
    }

    public void MarkStale() => IsStale = true;
}
