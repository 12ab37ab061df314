namespace NmtPractice.Domain.Staff;

public enum RosterExceptionKind
{
    Leave = 1,
    Sickness = 2,
    /// <summary>An extra shift at a clinic, on top of the pattern.</summary>
    ExtraShift = 3,
}
