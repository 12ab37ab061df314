namespace NmtPractice.Grains.Abstractions.Records;

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
