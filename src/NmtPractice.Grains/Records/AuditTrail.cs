namespace NmtPractice.Grains.Records;

/// <summary>
/// Audit rows for the grains (built by <see cref="AuditEntries"/>). Every change writes its row in its own transaction:
/// record changes (ClientRecordStore), client registrations and updates (ClientDirectory), new bookings in their ledger
/// insert (<see cref="BookingEntry"/>, LedgerInsertBatcher), and booking status changes and moves in their ledger
/// transaction (<see cref="BookingChangeEntry"/>, AppointmentLedger.UpdateStatusAsync/MoveAsync/ReassignAsync).
/// What is left here is what has no transaction to join: reads and refusals change nothing, so their row is written
/// on its own (<see cref="Write"/>), before the caller is answered.
/// </summary>
public sealed class AuditTrail(AuditLog log)
{
    /// <summary>Writes a row now (reads and refusals).</summary>
    public Task Write(AuditEntry entry) => log.AppendAsync(entry);

    /// <summary>The audit row of a new booking or hold by the current caller, written with its ledger insert.</summary>
    public static AuditEntry BookingEntry(string action, NewAppointment appointment)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        return BookingChangeEntry(action, appointment.Id, appointment.ClinicId, appointment.ClientId, appointment.Status, appointment.TherapistId, appointment.RoomId);
    }

    /// <summary>
    /// The audit row of a booking change by the current caller, with the appointment's place and status as the change
    /// leaves them; written in the change's ledger transaction, only when the change is applied.
    /// </summary>
    public static AuditEntry BookingChangeEntry(string action, Guid id, string clinicId, string clientId, AppointmentStatus status, string therapistId, string roomId) =>
        AuditEntries.ForCurrentCaller(action, "appointment", id.ToString(), clinicId, clientId, id, AuditOutcomes.Ok,
            new { status = status.ToString().ToLowerInvariant(), therapist = therapistId, room = roomId });
}
