namespace NmtPractice.Domain.Scheduling;

public enum CoverKind
{
    /// <summary>Another therapist at the same clinic, same time; the room is kept when it can be.</summary>
    SameClinic = 1,
    /// <summary>Another clinic within reach of the original one, same time, with a new therapist and room.</summary>
    OtherClinic,
    /// <summary>Nobody can take it: the client has to be contacted.</summary>
    Uncovered,
}
