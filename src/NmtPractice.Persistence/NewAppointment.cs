using NmtPractice.Domain.Appointments;
using NodaTime;

namespace NmtPractice.Persistence;

/// <summary>An appointment to write to the ledger. <see cref="Status"/> is Pending (a hold, with <see cref="HoldExpiresAt"/>) or Booked.</summary>
public sealed record NewAppointment(
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
    Instant? HoldExpiresAt);
