namespace NmtPractice.Grains.Abstractions.Events;

/// <summary>
/// Which events a reader gets. Empty <see cref="Types"/>: every type. <see cref="ClinicIds"/> (when not null): events
/// at one of them. <see cref="TherapistId"/> (when not null): events of that therapist. Both set: an event must match both.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.EventFilter")]
public sealed record EventFilter(
    [property: Id(0)] IReadOnlyList<string> Types,
    [property: Id(1)] IReadOnlyList<string>? ClinicIds,
    [property: Id(2)] string? TherapistId)
{
    public static EventFilter Everything { get; } = new([], null, null);

    public bool Matches(DomainEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return (Types.Count == 0 || Types.Contains(e.Type, StringComparer.Ordinal))
            && (ClinicIds is null || e.ClinicIds.Any(c => ClinicIds.Contains(c, StringComparer.Ordinal)))
            && (TherapistId is null || e.TherapistIds.Contains(TherapistId, StringComparer.Ordinal));
    }
}
