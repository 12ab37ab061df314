namespace NmtPractice.Domain.Scheduling;

/// <summary>
/// An appointment as its room sees it: the treatment, and the occupancy [treatment start, free-at),
/// which includes the turnover after the treatment.
/// </summary>
public readonly record struct RoomBooking(Guid AppointmentId, string RoomId, Interval Treatment, Interval Occupancy);
