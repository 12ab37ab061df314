namespace NmtPractice.Domain.Scheduling;

/// <summary>
/// What the planner may use. <see cref="Candidates"/> are the therapists who might take over (the absent one is
/// skipped anyway); <see cref="TherapistBookings"/> answers what a therapist already has on a clinic-local date (every
/// clinic, neighbours included, as a therapist-day calendar holds them); <see cref="RoomBookings"/> what the rooms of a
/// clinic hold on its local date. <see cref="Reach"/> is the longest travel time from the original clinic to a clinic
/// that may take over.
/// </summary>
public sealed record CoverContext(
    IReadOnlyDictionary<string, Clinic> Clinics,
    IReadOnlyList<Therapist> Candidates,
    Func<string, LocalDate, IReadOnlyList<TherapistBooking>> TherapistBookings,
    Func<string, LocalDate, IReadOnlyList<RoomBooking>> RoomBookings,
    TravelMatrix Travel,
    Duration Reach,
    Instant Now)
{
    public static readonly Duration DefaultReach = Duration.FromMinutes(45);
}
