using NodaTime;

namespace NmtPractice.Persistence;

/// <summary>Whose occupancy a calendar reads: a therapist's treatments, a clinic's rooms (with turnover), a client's treatments.</summary>
public enum OccupancyResource
{
    Therapist,
    Clinic,
    Client,
}

/// <summary>
/// One calendar's read: the active appointments of <paramref name="Key"/> (a therapist, clinic or client id) that
/// occupy their resource somewhere in [<paramref name="From"/>, <paramref name="To"/>).
/// </summary>
public sealed record OccupancyQuery(OccupancyResource Resource, string Key, Instant From, Instant To);
