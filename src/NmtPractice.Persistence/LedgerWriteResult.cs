using NmtPractice.Domain.Appointments;
using NodaTime;

namespace NmtPractice.Persistence;

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
