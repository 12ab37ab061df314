namespace NmtPractice.Grains.Booking;

/// <summary>Turns what the ledger said into the refusal a caller reads.</summary>
internal static class LedgerOutcomes
{
    public static Refusal ConflictRefusal(ConflictResource? resource) => resource switch
    {
        ConflictResource.Therapist => new Refusal(RefusalReason.TherapistBusy, "The therapist was booked by someone else at the same moment."),
        ConflictResource.Room => new Refusal(RefusalReason.RoomBusy, "The room was booked by someone else at the same moment.", "room_id"),
        ConflictResource.Client => new Refusal(RefusalReason.ClientBusy, "The client was booked elsewhere at the same moment."),
        _ => new Refusal(RefusalReason.Concurrency, "The slot was taken at the same moment."),
    };

    public static Result<AppointmentRecord> ToResult(LedgerWriteResult write, Guid id) => write.Kind switch
    {
        LedgerWriteKind.Inserted or LedgerWriteKind.Updated or LedgerWriteKind.Duplicate or LedgerWriteKind.Replayed => Result<AppointmentRecord>.Ok(write.Record!),
        LedgerWriteKind.RequestIdReused => RequestIds.Reused(),
        LedgerWriteKind.NotFound => Refusal.NotFound("appointment_id", $"Appointment {id} does not exist."),
        LedgerWriteKind.StaleVersion => new Refusal(RefusalReason.Concurrency, $"Appointment {id} changed meanwhile; read it again and retry."),
        LedgerWriteKind.InvalidTransition => new Refusal(RefusalReason.InvalidTransition,
            $"Appointment {id} is {write.Record?.Status.ToFhir() ?? "in another state"}; the change is not allowed."),
        LedgerWriteKind.Conflict => ConflictRefusal(write.ConflictWith),
        _ => new Refusal(RefusalReason.Concurrency, $"Unexpected ledger outcome {write.Kind}."),
    };
}
