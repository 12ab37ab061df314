namespace NmtPractice.Domain.Staff;

/// <summary>
/// An exception to the roster. Leave and sickness remove [<paramref name="Period"/>) from working time at every
/// clinic; an extra shift adds it at <paramref name="ClinicId"/>.
/// </summary>
public sealed record RosterException(string Id, RosterExceptionKind Kind, Interval Period, string? ClinicId, string Note);
