namespace NmtPractice.Grains.Abstractions.Events;

/// <summary>
/// One event of the outbox as the gateway publishes it (docs/events.md): <see cref="Cursor"/> is its place in the
/// global order (resume after it), <see cref="Type"/> the versioned CloudEvents type (<c>nmt.appointment.booked.v1</c>),
/// <see cref="Subject"/> what it is about (an appointment id, a therapist, a cover plan), <see cref="DataJson"/> its
/// data object. <see cref="ClinicIds"/> and <see cref="TherapistIds"/> scope it (who may see it).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.DomainEvent")]
public sealed record DomainEvent(
    [property: Id(0)] long Cursor,
    [property: Id(1)] Guid EventId,
    [property: Id(2)] string Type,
    [property: Id(3)] string? SourceClinicId,
    [property: Id(4)] IReadOnlyList<string> ClinicIds,
    [property: Id(5)] IReadOnlyList<string> TherapistIds,
    [property: Id(6)] string Subject,
    [property: Id(7)] Instant Time,
    [property: Id(8)] string DataJson);
