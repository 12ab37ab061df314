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

public enum LedgerWriteKind
{
    /// <summary>A new row was inserted.</summary>
    Inserted = 1,

    /// <summary>The request id (or the id) is already in the ledger; <see cref="LedgerWriteResult.Record"/> is the existing row.</summary>
    Duplicate,

    /// <summary>An exclusion constraint refused the write; see <see cref="LedgerWriteResult.ConflictWith"/>.</summary>
    Conflict,

    NotFound,

    /// <summary>The row's version is not the expected one; <see cref="LedgerWriteResult.Record"/> is the current row.</summary>
    StaleVersion,

    /// <summary>The row's status does not allow this change (e.g. confirming an expired hold); <see cref="LedgerWriteResult.Record"/> is the current row.</summary>
    InvalidTransition,

    /// <summary>An existing row was changed (status change or move).</summary>
    Updated,
}

/// <summary>The resource an exclusion constraint found double-booked.</summary>
public enum ConflictResource
{
    Therapist = 1,
    Room,
    Client,
}

/// <summary>
/// The outcome of one ledger write. <see cref="Record"/> is the row as written (Inserted), the existing row
/// (Duplicate, StaleVersion, InvalidTransition, and the unchanged row on a move Conflict), or null.
/// <see cref="ConflictingId"/> is an overlapping active row when one was visible.
/// </summary>
public sealed record LedgerWriteResult(
    LedgerWriteKind Kind,
    AppointmentRecord? Record,
    ConflictResource? ConflictWith = null,
    Guid? ConflictingId = null)
{
    /// <summary>Inserted or Updated.</summary>
    public bool Succeeded => Kind is LedgerWriteKind.Inserted or LedgerWriteKind.Updated;

    public static ConflictResource? ResourceFromConstraint(string? constraintName) => constraintName switch
    {
        "appointments_therapist_no_overlap" => ConflictResource.Therapist,
        "appointments_room_no_overlap" => ConflictResource.Room,
        "appointments_client_no_overlap" => ConflictResource.Client,
        _ => null,
    };
}
