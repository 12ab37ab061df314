namespace NmtPractice.Domain;

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
        RefusalReason.RequestIdReused => "REQUEST_ID_REUSED",
        _ => "UNKNOWN",
    };
}
