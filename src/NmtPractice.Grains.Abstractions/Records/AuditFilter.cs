namespace NmtPractice.Grains.Abstractions.Records;

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
