namespace NmtPractice.Grains.Abstractions.Events;

/// <summary>The event types (CloudEvents <c>type</c>), versioned; docs/events.md describes each one's data.</summary>
public static class EventTypes
{
    public const string AppointmentHeld = "nmt.appointment.held.v1";
    public const string AppointmentBooked = "nmt.appointment.booked.v1";
    public const string AppointmentConfirmed = "nmt.appointment.confirmed.v1";
    public const string AppointmentRescheduled = "nmt.appointment.rescheduled.v1";
    public const string AppointmentCancelled = "nmt.appointment.cancelled.v1";
    public const string AppointmentArrived = "nmt.appointment.arrived.v1";
    public const string AppointmentFulfilled = "nmt.appointment.fulfilled.v1";
    public const string AppointmentNoShow = "nmt.appointment.no_show.v1";
    public const string AppointmentHoldExpired = "nmt.appointment.hold_expired.v1";
    public const string RosterChanged = "nmt.therapist.roster_changed.v1";
    public const string AbsenceRecorded = "nmt.therapist.absence_recorded.v1";
    public const string CoverProposed = "nmt.cover.proposed.v1";
    public const string CoverApplied = "nmt.cover.applied.v1";

    public static IReadOnlyList<string> All { get; } =
    [
        AppointmentHeld, AppointmentBooked, AppointmentConfirmed, AppointmentRescheduled, AppointmentCancelled,
        AppointmentArrived, AppointmentFulfilled, AppointmentNoShow, AppointmentHoldExpired,
        RosterChanged, AbsenceRecorded, CoverProposed, CoverApplied,
    ];
}
