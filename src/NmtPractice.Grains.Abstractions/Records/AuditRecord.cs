namespace NmtPractice.Grains.Abstractions.Records;

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
