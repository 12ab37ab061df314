namespace NmtPractice.Domain.Appointments;

/// <summary>
/// One appointment as the ledger stores it. <see cref="Start"/>..<see cref="End"/> is the treatment,
/// half-open [Start, End); the room stays occupied until <see cref="RoomFreeAt"/> (End plus the service's turnover).
/// </summary>
public sealed record AppointmentRecord(
    Guid Id,
    string RequestId,
    string ClinicId,
    string TherapistId,
    string RoomId,
    string ClientId,
    string ServiceId,
    Instant Start,
    Instant End,
    Instant RoomFreeAt,
    AppointmentStatus Status,
    Instant? HoldExpiresAt,
    string? CancelReason,
    bool CancelledLate,
    Instant CreatedAt,
    Instant UpdatedAt,
    int Version)
{
    /// <summary>True when this appointment occupies its therapist, room and client at <paramref name="now"/>: active, and not an expired hold.</summary>
    public bool OccupiesAt(Instant now) =>
        Status.IsActive() && !(Status == AppointmentStatus.Pending && HoldExpiresAt is { } expiry && expiry <= now);
}
