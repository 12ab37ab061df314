namespace NmtPractice.Grains.Abstractions.Records;

/// <summary>What an erasure removed; the appointments stay in the ledger under a pseudonym.</summary>
[GenerateSerializer, Immutable, Alias("nmt.ErasureReport")]
public sealed record ErasureReport(
    [property: Id(0)] string ClientId,
    [property: Id(1)] int NotesDeleted,
    [property: Id(2)] int ConsentsDeleted,
    [property: Id(3)] bool IntakeDeleted,
    [property: Id(4)] int AppointmentsAnonymised);
