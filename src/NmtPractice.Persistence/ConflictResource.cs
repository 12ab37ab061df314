namespace NmtPractice.Persistence;

/// <summary>The resource an exclusion constraint found double-booked.</summary>
public enum ConflictResource
{
    Therapist = 1,
    Room,
    Client,
}
