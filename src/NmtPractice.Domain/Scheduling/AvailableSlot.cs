namespace NmtPractice.Domain.Scheduling;

/// <summary>
/// A bookable start: the treatment [Start, End) as instants, the same start on the clinic's wall clock
/// (with its zone and offset, so a repeated hour on a daylight-saving day stays unambiguous), the therapist,
/// and the room that automatic allocation would choose.
/// </summary>
public sealed record AvailableSlot(
    Instant Start,
    Instant End,
    LocalDateTime LocalStart,
    string TimeZoneId,
    Offset Offset,
    string TherapistId,
    string RoomId);
