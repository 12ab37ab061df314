namespace NmtPractice.Grains.Abstractions.Cover;

public enum CoverItemStatus
{
    /// <summary>A replacement is proposed and not applied yet.</summary>
    Proposed = 1,
    /// <summary>Nobody can take it: contact the client.</summary>
    Uncovered,
    /// <summary>The appointment was moved to the replacement.</summary>
    Applied,
    /// <summary>Applying failed (the substitute or room was taken meanwhile, the appointment changed...): contact the client.</summary>
    Failed,
}
