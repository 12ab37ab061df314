namespace NmtPractice.Domain;

/// <summary>Why a request was refused. Each has a stable upper-case code for the wire (<see cref="RefusalCodes"/>).</summary>
public enum RefusalReason
{
    /// <summary>A field is missing, malformed or out of range; <see cref="Refusal.Field"/> names it.</summary>
    InvalidArgument = 1,
    /// <summary>An id names nothing; <see cref="Refusal.Field"/> names the field.</summary>
    NotFound,
    /// <summary>The thing to create exists already.</summary>
    AlreadyExists,
    InThePast,
    ClinicClosed,
    OutsideOpeningHours,
    OutsideRoster,
    TherapistOnLeave,
    Unqualified,
    QualificationExpired,
    ServiceNotOffered,
    RoomLacksFeatures,
    RoomOutOfService,
    TherapistBusy,
    RoomBusy,
    /// <summary>The room is free for the treatment itself but not for the turnover after it (or a neighbour's turnover).</summary>
    Turnover,
    /// <summary>The therapist cannot get here from (or to) a neighbouring appointment at another clinic in time.</summary>
    Travel,
    ClientBusy,
    /// <summary>No room of the clinic has the features the service needs.</summary>
    NoSuitableRoom,
    HoldExpired,
    /// <summary>The appointment's status does not allow the operation (e.g. checking in a cancelled appointment).</summary>
    InvalidTransition,
    /// <summary>The thing changed under the caller; read it again and retry.</summary>
    Concurrency,
    /// <summary>A booking with the same request id is being decided right now; retry shortly to get its result.</summary>
    RequestInProgress,
    /// <summary>A roster change or absence would leave booked appointments outside rostered time; <see cref="Refusal.Appointments"/> lists them.</summary>
    WouldStrandBookings,
    /// <summary>The caller's role or scope does not allow the operation.</summary>
    NotAllowed,
    /// <summary>The client was erased on request; the id stays reserved.</summary>
    Erased,
    /// <summary>The client still has appointments to come (held, booked or arrived); cancel them first.</summary>
    ActiveAppointments,
    /// <summary>
    /// The request id was used before for a different request (another operation, other parameters or another
    /// caller); a request id is an idempotency key, good for one request only.
    /// </summary>
    RequestIdReused,
}
