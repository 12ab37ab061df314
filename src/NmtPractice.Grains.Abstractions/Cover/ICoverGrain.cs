namespace NmtPractice.Grains.Abstractions.Cover;

/// <summary>
/// The cover coordinator (stateless): records absences and roster changes through the therapist grain, and plans cover
/// for what they strand, or cancels it.
/// </summary>
[Alias("nmt.ICoverGrain")]
public interface ICoverGrain : IGrainWithIntegerKey
{
    /// <summary>Records the absence (leave or sickness) whatever it strands, and returns a cover plan for the therapist's appointments in it.</summary>
    [Alias("ReportAbsence")] Task<Result<CoverPlan>> ReportAbsence(AbsenceReport report);

    /// <summary>Replaces a therapist's rosters; what the change strands is refused, cancelled or covered as <paramref name="policy"/> says.</summary>
    [Alias("SetRosters")] Task<Result<RosterChange>> SetRosters(string requestId, string therapistId, IReadOnlyList<Roster> rosters, StrandedPolicy policy);

    /// <summary>Adds a roster exception; what it strands is refused, cancelled or covered as <paramref name="policy"/> says.</summary>
    [Alias("AddException")] Task<Result<RosterChange>> AddException(string requestId, string therapistId, RosterException exception, StrandedPolicy policy);
}
