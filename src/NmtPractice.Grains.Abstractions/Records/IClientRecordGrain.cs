namespace NmtPractice.Grains.Abstractions.Records;

/// <summary>
/// A client's clinical record: intake, consents, session notes, progress; and erasure on request. Key:
/// <see cref="GrainKeys.Client"/> (the client id). Every call checks <see cref="CallerContext.Current"/> and is audited.
/// </summary>
[Alias("nmt.IClientRecordGrain")]
public interface IClientRecordGrain : IGrainWithStringKey
{
    [Alias("GetRecord")] Task<Result<ClientRecordView>> GetRecord();
    [Alias("UpdateIntake")] Task<Result<Intake>> UpdateIntake(IntakeUpdate update);
    [Alias("RecordConsent")] Task<Result<Consent>> RecordConsent(string kind);
    [Alias("WithdrawConsent")] Task<Result<Consent>> WithdrawConsent(Guid consentId);
    /// <summary>A draft note for an appointment of this client with the calling therapist.</summary>
    [Alias("CreateNote")] Task<Result<SessionNote>> CreateNote(Guid appointmentId, NoteContent content);
    [Alias("UpdateDraft")] Task<Result<SessionNote>> UpdateDraft(Guid noteId, NoteContent content);
    [Alias("SignNote")] Task<Result<SessionNote>> SignNote(Guid noteId);
    /// <summary>A new signed version of a signed note; the version it replaces stays readable.</summary>
    [Alias("AmendNote")] Task<Result<SessionNote>> AmendNote(Guid noteId, NoteContent content, string reason);
    /// <summary>The latest version, or <paramref name="version"/>.</summary>
    [Alias("GetNote")] Task<Result<SessionNote>> GetNote(Guid noteId, int? version);
    /// <summary>The latest version of each note, by session start.</summary>
    [Alias("ListNotes")] Task<Result<IReadOnlyList<SessionNote>>> ListNotes();
    [Alias("GetProgress")] Task<Result<IReadOnlyList<ProgressPoint>>> GetProgress();
    [Alias("Erase")] Task<Result<ErasureReport>> Erase();
}
