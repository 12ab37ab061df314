namespace NmtPractice.Grains.Abstractions.Config;

/// <summary>A therapist: qualifications, rosters per clinic and their exceptions. Key: <see cref="GrainKeys.Therapist"/>.</summary>
[Alias("nmt.ITherapistGrain")]
public interface ITherapistGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<Result<Therapist>> Create(Therapist therapist);
    [ReadOnly, Alias("Get")] Task<Therapist?> Get();
    [Alias("Rename")] Task<Result<Therapist>> Rename(string name);
    [Alias("SetQualifications")] Task<Result<Therapist>> SetQualifications(IReadOnlyList<Qualification> qualifications);
    /// <summary>Replaces the therapist's rosters (every clinic). Clinics must exist.</summary>
    [Alias("SetRosters")] Task<Result<Therapist>> SetRosters(IReadOnlyList<Roster> rosters);
    [Alias("AddException")] Task<Result<Therapist>> AddException(RosterException exception);

    /// <summary>
    /// Replaces the rosters. Booked appointments from now on that the new rosters would leave outside rostered time are
    /// returned in <see cref="RosterChange.Stranded"/> when <paramref name="allowStranding"/>; otherwise the change is
    /// refused (<see cref="RefusalReason.WouldStrandBookings"/>, listing them) and nothing changes.
    /// <see cref="SetRosters(IReadOnlyList{Roster})"/> is this with <paramref name="allowStranding"/> false.
    /// </summary>
    [Alias("SetRostersChecked")] Task<Result<RosterChange>> SetRostersChecked(IReadOnlyList<Roster> rosters, bool allowStranding);

    /// <summary>Adds an exception, with the same stranded-booking check as <see cref="SetRostersChecked"/>.</summary>
    [Alias("AddExceptionChecked")] Task<Result<RosterChange>> AddExceptionChecked(RosterException exception, bool allowStranding);
    [Alias("RemoveException")] Task<Result<Therapist>> RemoveException(string exceptionId);
}
