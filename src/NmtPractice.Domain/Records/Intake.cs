namespace NmtPractice.Domain.Records;

/// <summary>
/// A client's intake: health history and contraindications. <see cref="Contraindications"/> holds codes from
/// <see cref="ClinicalRules.KnownContraindications"/>; any of them raises the flag a therapist sees before a session.
/// </summary>
public sealed record Intake(
    string ClientId,
    string HealthHistory,
    IReadOnlyList<string> Contraindications,
    string? ContraindicationNotes,
    string? Medications,
    string UpdatedBy,
    Instant UpdatedAt)
{
    public bool HasContraindications => Contraindications.Count > 0;
}
