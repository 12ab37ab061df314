using NodaTime;

namespace NmtPractice.Domain.Scheduling;

/// <summary>An appointment as its therapist's calendar sees it: where, and the treatment [Start, End).</summary>
public readonly record struct TherapistBooking(Guid AppointmentId, string ClinicId, Interval Treatment);

/// <summary>
/// An appointment as its room sees it: the treatment, and the occupancy [treatment start, free-at),
/// which includes the turnover after the treatment.
/// </summary>
public readonly record struct RoomBooking(Guid AppointmentId, string RoomId, Interval Treatment, Interval Occupancy);

/// <summary>Everything that is already booked on one clinic-local day, as availability and allocation need it.</summary>
public sealed record DayCalendars(
    IReadOnlyDictionary<string, IReadOnlyList<TherapistBooking>> TherapistBookings,
    IReadOnlyList<RoomBooking> RoomBookings,
    IReadOnlyList<Interval> ClientBusy)
{
    public static readonly DayCalendars Empty = new(new Dictionary<string, IReadOnlyList<TherapistBooking>>(), [], []);

    public IReadOnlyList<TherapistBooking> ForTherapist(string therapistId) =>
        TherapistBookings.TryGetValue(therapistId, out var list) ? list : [];
}
