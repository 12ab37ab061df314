using NmtPractice.Domain.Appointments;
using NodaTime;

namespace NmtPractice.Persistence;

/// <summary>
/// An appointment to write to the ledger. <see cref="Status"/> is Pending (a hold, with <see cref="HoldExpiresAt"/>) or Booked.
/// <para>
/// Deliberately not an <see cref="AppointmentRecord"/>: this is the insert request, the first twelve of the row's
/// columns (<see cref="AppointmentColumns"/>) in the same order. The ledger fills the other five itself (no cancel
/// reason, not cancelled late, created and updated at the write's time, version 1) and returns the whole row as an
/// <see cref="AppointmentRecord"/> (<see cref="LedgerWriteResult.Record"/>).
/// </para>
/// </summary>
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
