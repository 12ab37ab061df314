namespace NmtPractice.Domain.Appointments;

/// <summary>What may happen to an appointment in each status, and when a cancellation is late.</summary>
public static class AppointmentLifecycle
{
    public static readonly Duration DefaultHoldDuration = Duration.FromMinutes(5);
    public static readonly Duration MaxHoldDuration = Duration.FromMinutes(60);

    /// <summary>The cancel reason the ledger records on a hold that expired.</summary>
    public const string HoldExpiredReason = "hold-expired";

    /// <summary>
    /// The status changes the ledger accepts, by new status: the statuses an appointment may be in to take it. This is
    /// the outer bound; each operation below allows a part of it, on its own conditions (a pending appointment also
    /// needs an unexpired hold to become booked or arrived, which the ledger checks in the same statement).
    /// </summary>
    public static IReadOnlyDictionary<AppointmentStatus, IReadOnlyList<AppointmentStatus>> AllowedFrom { get; } =
        new Dictionary<AppointmentStatus, IReadOnlyList<AppointmentStatus>>
        {
            [AppointmentStatus.Pending] = [],
            [AppointmentStatus.Booked] = [AppointmentStatus.Pending],
            [AppointmentStatus.Arrived] = [AppointmentStatus.Pending, AppointmentStatus.Booked],
            [AppointmentStatus.Fulfilled] = [AppointmentStatus.Booked, AppointmentStatus.Arrived],
            [AppointmentStatus.Cancelled] = [AppointmentStatus.Pending, AppointmentStatus.Booked, AppointmentStatus.Arrived],
            [AppointmentStatus.NoShow] = [AppointmentStatus.Booked],
        };

    /// <summary>The statuses in which an appointment may be moved to another time, therapist, room or clinic (a pending one only while its hold lasts).</summary>
    public static IReadOnlyList<AppointmentStatus> Movable { get; } = [AppointmentStatus.Pending, AppointmentStatus.Booked];

    /// <summary>True when the ledger lets an appointment in status <paramref name="from"/> change to <paramref name="to"/>.</summary>
    public static bool CanChange(AppointmentStatus from, AppointmentStatus to) =>
        AllowedFrom.TryGetValue(to, out var allowed) && allowed.Contains(from);

    public static Refusal? CheckConfirm(AppointmentRecord a, Instant now) => a.Status switch
    {
        AppointmentStatus.Pending when a.HoldExpiresAt is { } expiry && expiry <= now =>
            new Refusal(RefusalReason.HoldExpired, $"The hold on appointment {a.Id} expired at {expiry}."),
        AppointmentStatus.Pending => null,
        AppointmentStatus.Cancelled when a.CancelReason == HoldExpiredReason =>
            new Refusal(RefusalReason.HoldExpired, $"The hold on appointment {a.Id} expired at {a.HoldExpiresAt}."),
        _ => Transition(a, "confirm"),
    };

    public static Refusal? CheckCancel(AppointmentRecord a, Instant now) =>
        a.Status is AppointmentStatus.Booked || (a.Status is AppointmentStatus.Pending && a.OccupiesAt(now)) ? null : Transition(a, "cancel");

    public static Refusal? CheckCheckIn(AppointmentRecord a, Instant now)
    {
        if (a.Status != AppointmentStatus.Booked)
        {
            return Transition(a, "check in");
        }
        return now >= a.End
            ? new Refusal(RefusalReason.InvalidTransition, $"Appointment {a.Id} ended at {a.End}; it can no longer be checked in.")
            : null;
    }

    public static Refusal? CheckComplete(AppointmentRecord a) =>
        a.Status == AppointmentStatus.Arrived ? null : Transition(a, "complete");

    public static Refusal? CheckNoShow(AppointmentRecord a, Instant now)
    {
        if (a.Status != AppointmentStatus.Booked)
        {
            return Transition(a, "mark as no-show");
        }
        return now < a.Start
            ? new Refusal(RefusalReason.InvalidTransition, $"Appointment {a.Id} starts at {a.Start}; it cannot be a no-show before then.")
            : null;
    }

    public static Refusal? CheckReschedule(AppointmentRecord a, Instant now) =>
        a.Status is AppointmentStatus.Booked || (a.Status is AppointmentStatus.Pending && a.OccupiesAt(now)) ? null : Transition(a, "reschedule");

    /// <summary>A cancellation is late when it comes inside the clinic's window before the start (default 24 h).</summary>
    public static bool IsLateCancellation(AppointmentRecord a, Duration window, Instant now) => now > a.Start - window;

    private static Refusal Transition(AppointmentRecord a, string action) =>
        new(RefusalReason.InvalidTransition, $"Cannot {action} appointment {a.Id}: it is {a.Status.ToFhir()}.");
}
