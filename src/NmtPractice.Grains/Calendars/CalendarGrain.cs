using NmtPractice.Grains.Infrastructure;

namespace NmtPractice.Grains.Calendars;

public abstract class CalendarGrain<T>(CalendarLoader loader, IClock clock) : Grain
{
    protected Calendar<T> Calendar { get; } = new();

    /// <summary>Reads the ledger together with the other calendars activating at the same moment.</summary>
    protected CalendarLoader Loader => loader;

    protected Instant Now => clock.GetCurrentInstant();

    /// <summary>The ledger rows that may occupy this calendar's resource (active ones; expired holds are filtered here).</summary>
    protected abstract Task<IReadOnlyList<AppointmentRecord>> ReadLedger();

    protected abstract T ToItem(AppointmentRecord record);

    /// <summary>True if <paramref name="record"/> (on clinic-local <paramref name="localDate"/>) belongs to this calendar.</summary>
    protected abstract bool BelongsHere(AppointmentRecord record, LocalDate localDate);

    /// <summary>
    /// What occupies the resource now, reloading from the ledger first when memory may be stale. A new activation is
    /// stale, so its first call loads it: inside that call (its trace), batched with the other calendars loading then.
    /// </summary>
    protected async Task<List<T>> BusyAsync(Guid? ignoreAppointment)
    {
        if (Calendar.IsStale)
        {
            await ReloadAsync();
        }
        var busy = Calendar.Busy(Now, ignoreAppointment);
        if (Calendar.IsStale)
        {
            await ReloadAsync();
            busy = Calendar.Busy(Now, ignoreAppointment);
        }
        return busy;
    }

    private async Task ReloadAsync()
    {
        var now = Now;
        var rows = await ReadLedger();
        Calendar.Load(rows
            .Where(r => r.OccupiesAt(now))
            .Select(r => (r.Id, r.RequestId, ToItem(r), r.Status == AppointmentStatus.Pending ? r.HoldExpiresAt : null)));
    }

    /// <summary>
    /// Refuses a reservation when another attempt of the same request is here (see <see cref="Calendar{T}.HasOtherAttempt"/>):
    /// the coordinator then answers with that attempt's result instead of a conflict.
    /// </summary>
    protected Refusal? InFlight(Tentative tentative) =>
        Calendar.HasOtherAttempt(tentative.RequestId, tentative.AppointmentId, Now)
            ? new Refusal(RefusalReason.RequestInProgress, $"Request {tentative.RequestId} is being decided; retry shortly for its result.", "request_id")
            : null;

    protected Refusal? Accept(Tentative tentative, T item)
    {
        Calendar.AddTentative(tentative, item);
        return null;
    }

    public Task Commit(Guid reservationId)
    {
        Calendar.Commit(reservationId);
        return Task.CompletedTask;
    }

    public Task Release(Guid reservationId)
    {
        Calendar.Release(reservationId);
        return Task.CompletedTask;
    }

    public Task Resync()
    {
        Calendar.MarkStale();
        return Task.CompletedTask;
    }

    public Task Refresh(AppointmentRecord record, LocalDate localDate)
    {
        if (BelongsHere(record, localDate) && record.OccupiesAt(Now))
        {
            Calendar.Put(record.Id, record.RequestId, ToItem(record), record.Status == AppointmentStatus.Pending ? record.HoldExpiresAt : null);
        }
        else
        {
            Calendar.Remove(record.Id);
        }
        return Task.CompletedTask;
    }
}
