using NmtPractice.Domain.Records;

namespace NmtPractice.Grains;

/// <summary>A note without its content: what a list of a client's sessions shows.</summary>
[GenerateSerializer, Immutable, Alias("nmt.NoteSummary")]
public sealed record NoteSummary(
    [property: Id(0)] Guid NoteId,
    [property: Id(1)] int Version,
    [property: Id(2)] Guid AppointmentId,
    [property: Id(3)] string ClinicId,
    [property: Id(4)] string TherapistId,
    [property: Id(5)] Instant SessionStart,
    [property: Id(6)] NoteStatus Status,
    [property: Id(7)] int? PainBefore,
    [property: Id(8)] int? PainAfter);

/// <summary>
/// A client's record as the caller may see it. <see cref="ContraindicationFlag"/> is for everyone who may open the
/// record; <see cref="Intake"/> and <see cref="Notes"/> only for a treating therapist (<see cref="Clinical"/> true).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.ClientRecordView")]
public sealed record ClientRecordView(
    [property: Id(0)] string ClientId,
    [property: Id(1)] bool ContraindicationFlag,
    [property: Id(2)] bool Clinical,
    [property: Id(3)] Intake? Intake,
    [property: Id(4)] IReadOnlyList<Consent> Consents,
    [property: Id(5)] IReadOnlyList<NoteSummary> Notes);

/// <summary>The new intake (it replaces the previous one).</summary>
[GenerateSerializer, Immutable, Alias("nmt.IntakeUpdate")]
public sealed record IntakeUpdate(
    [property: Id(0)] string HealthHistory,
    [property: Id(1)] IReadOnlyList<string> Contraindications,
    [property: Id(2)] string? ContraindicationNotes,
    [property: Id(3)] string? Medications);

/// <summary>What an erasure removed; the appointments stay in the ledger under a pseudonym.</summary>
[GenerateSerializer, Immutable, Alias("nmt.ErasureReport")]
public sealed record ErasureReport(
    [property: Id(0)] string ClientId,
    [property: Id(1)] int NotesDeleted,
    [property: Id(2)] int ConsentsDeleted,
    [property: Id(3)] bool IntakeDeleted,
    [property: Id(4)] int AppointmentsAnonymised);

/// <summary>
/// A client's clinical record: intake, consents, session notes, progress; and erasure on request. Key:
/// <see cref="Keys.Client"/> (the client id). Every call checks <see cref="CallerContext.Current"/> and is audited.
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

/// <summary>One row of the audit trail as the API returns it.</summary>
[GenerateSerializer, Immutable, Alias("nmt.AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] long Id,
    [property: Id(1)] Instant At,
    [property: Id(2)] string ActorSubject,
    [property: Id(3)] string ActorRole,
    [property: Id(4)] string? ClinicId,
    [property: Id(5)] string Action,
    [property: Id(6)] string TargetKind,
    [property: Id(7)] string? TargetId,
    [property: Id(8)] string? ClientId,
    [property: Id(9)] Guid? AppointmentId,
    [property: Id(10)] string? Source,
    [property: Id(11)] string Outcome,
    [property: Id(12)] string? Detail);

/// <summary>Audit query filters (all optional, combined); [From, To) on the row's time; rows after <see cref="AfterId"/>, in write order.</summary>
[GenerateSerializer, Immutable, Alias("nmt.AuditFilter")]
public sealed record AuditFilter(
    [property: Id(0)] string? ClientId = null,
    [property: Id(1)] string? ActorSubject = null,
    [property: Id(2)] string? ClinicId = null,
    [property: Id(3)] string? Action = null,
    [property: Id(4)] Instant? From = null,
    [property: Id(5)] Instant? To = null,
    [property: Id(6)] long? AfterId = null);

/// <summary>
/// The audit trail for the gateway: reads it (chain-admins everything, clinic managers their clinics' rows) and writes
/// the rows the gateway owes it (contact-detail reads, refusals at the gate). Stateless; key 0.
/// </summary>
[Alias("nmt.IAuditGrain")]
public interface IAuditGrain : IGrainWithIntegerKey
{
    /// <summary>Up to <paramref name="limit"/> rows; a full page means there may be more after its last id.</summary>
    [Alias("Query")] Task<Result<IReadOnlyList<AuditRecord>>> Query(AuditFilter filter, int limit);

    /// <summary>
    /// One row per client (outcome ok, target the client) for a read of their contact details by the current caller
    /// (<see cref="CallerContext.Current"/>; "system" without one), in one write. Completes once written; a failed
    /// write fails the call, so the read fails with it.
    /// </summary>
    [Alias("RecordClientReads")] Task RecordClientReads(string action, IReadOnlyList<string> clientIds);

    /// <summary>
    /// A call the gateway refused at the gate (outcome denied): <paramref name="caller"/> tried <paramref name="action"/>
    /// on the record of <paramref name="clientId"/> (as the request gave it); <paramref name="reason"/> is the refusal's
    /// reason code. No clinic: such rows are for chain admins to review.
    /// </summary>
    [Alias("RecordGateRefusal")] Task RecordGateRefusal(Caller caller, string action, string? clientId, string? reason);
}
