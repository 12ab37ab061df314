namespace NmtPractice.Grains.Abstractions.Records;

/// <summary>The new intake (it replaces the previous one).</summary>
[GenerateSerializer, Immutable, Alias("nmt.IntakeUpdate")]
public sealed record IntakeUpdate(
    [property: Id(0)] string HealthHistory,
    [property: Id(1)] IReadOnlyList<string> Contraindications,
    [property: Id(2)] string? ContraindicationNotes,
    [property: Id(3)] string? Medications);
