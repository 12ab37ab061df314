namespace NmtPractice.Domain.Scheduling;

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
