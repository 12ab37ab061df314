namespace NmtPractice.Domain.Scheduling;

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
}

/// <summary>A refusal: the reason, a message a front desk can read, the offending field where there is one, and alternatives for a conflict.</summary>
public sealed record Refusal(RefusalReason Reason, string Message, string? Field = null)
{
    public IReadOnlyList<AvailableSlot> Alternatives { get; init; } = [];

    /// <summary>The offending value where the field alone does not say which (the unknown id of a list of ids).</summary>
    public string? Value { get; init; }

    /// <summary>The appointments the refusal is about (e.g. those a roster change would strand), by start.</summary>
    public IReadOnlyList<Guid> Appointments { get; init; } = [];

    public string Code => Reason.ToCode();

    /// <summary>True for the reasons that are about other bookings (a slot taken), as opposed to the rules of the clinic or roster.</summary>
    public bool IsConflict => Reason is RefusalReason.TherapistBusy or RefusalReason.RoomBusy or RefusalReason.Turnover
        or RefusalReason.Travel or RefusalReason.ClientBusy;

    public static Refusal Invalid(string field, string message) => new(RefusalReason.InvalidArgument, message, field);

    public static Refusal NotFound(string field, string message) => new(RefusalReason.NotFound, message, field);
}

public static class RefusalCodes
{
    public static string ToCode(this RefusalReason reason) => reason switch
    {
        RefusalReason.InvalidArgument => "INVALID_ARGUMENT",
        RefusalReason.NotFound => "NOT_FOUND",
        RefusalReason.AlreadyExists => "ALREADY_EXISTS",
        RefusalReason.InThePast => "IN_THE_PAST",
        RefusalReason.ClinicClosed => "CLINIC_CLOSED",
        RefusalReason.OutsideOpeningHours => "OUTSIDE_OPENING_HOURS",
        RefusalReason.OutsideRoster => "OUTSIDE_ROSTER",
        RefusalReason.TherapistOnLeave => "THERAPIST_ON_LEAVE",
        RefusalReason.Unqualified => "THERAPIST_UNQUALIFIED",
        RefusalReason.QualificationExpired => "QUALIFICATION_EXPIRED",
        RefusalReason.ServiceNotOffered => "SERVICE_NOT_OFFERED",
        RefusalReason.RoomLacksFeatures => "ROOM_LACKS_FEATURES",
        RefusalReason.RoomOutOfService => "ROOM_OUT_OF_SERVICE",
        RefusalReason.TherapistBusy => "THERAPIST_BUSY",
        RefusalReason.RoomBusy => "ROOM_BUSY",
        RefusalReason.Turnover => "ROOM_TURNOVER",
        RefusalReason.Travel => "THERAPIST_TRAVEL",
        RefusalReason.ClientBusy => "CLIENT_BUSY",
        RefusalReason.NoSuitableRoom => "NO_SUITABLE_ROOM",
        RefusalReason.HoldExpired => "HOLD_EXPIRED",
        RefusalReason.InvalidTransition => "INVALID_STATUS_TRANSITION",
        RefusalReason.Concurrency => "CONCURRENT_CHANGE",
        RefusalReason.RequestInProgress => "REQUEST_IN_PROGRESS",
        RefusalReason.WouldStrandBookings => "WOULD_STRAND_BOOKINGS",
        RefusalReason.NotAllowed => "PERMISSION_DENIED",
        RefusalReason.Erased => "CLIENT_ERASED",
        RefusalReason.ActiveAppointments => "CLIENT_HAS_ACTIVE_APPOINTMENTS",
        _ => "UNKNOWN",
    };
}
