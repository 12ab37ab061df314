namespace NmtPractice.Domain.Scheduling;

/// <summary>
/// A replacement for one appointment: where, with whom and in which room, for the treatment [Start, End) (the same
/// start; the end follows the service's duration at the new clinic). For <see cref="CoverKind.Uncovered"/> only
/// <see cref="Reason"/> is meaningful.
/// </summary>
public sealed record CoverProposal(
    Guid AppointmentId, CoverKind Kind, string ClinicId, string? TherapistId, string? RoomId, Instant Start, Instant End, string? Reason);
