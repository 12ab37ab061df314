namespace NmtPractice.Grains.Abstractions.Records;

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
