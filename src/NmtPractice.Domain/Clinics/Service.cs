namespace NmtPractice.Domain.Clinics;

/// <summary>
/// A treatment type. The therapist is busy for <see cref="Duration"/>; the room for <see cref="Duration"/>
/// plus <see cref="Turnover"/> (cleaning and resetting after the client leaves).
/// </summary>
public sealed record Service(
    string Id,
    string Name,
    Duration Duration,
    Duration Turnover,
    IReadOnlyList<string> RequiredFeatures,
    string? RequiredQualification,
    decimal Price)
{
    public Duration RoomOccupancy => Duration + Turnover;
}
