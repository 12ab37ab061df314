namespace NmtPractice.Grains.Abstractions.Cover;

/// <summary>
/// One affected appointment of a cover plan: where it was (clinic, therapist, room, treatment [Start, End)), the client
/// to contact, and the replacement (<see cref="NewClinicId"/>, <see cref="NewTherapistId"/>, <see cref="NewRoomId"/>,
/// the same start, ending at <see cref="NewEnd"/>), or why there is none (<see cref="Reason"/>, <see cref="ReasonCode"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.CoverItem")]
public sealed record CoverItem(
    [property: Id(0)] Guid AppointmentId,
    [property: Id(1)] string ClientId,
    [property: Id(2)] string ClientName,
    [property: Id(3)] string? ClientPhone,
    [property: Id(4)] string ServiceId,
    [property: Id(5)] Instant Start,
    [property: Id(6)] Instant End,
    [property: Id(7)] string ClinicId,
    [property: Id(8)] string TherapistId,
    [property: Id(9)] string RoomId,
    [property: Id(10)] CoverItemStatus Status,
    [property: Id(11)] string? NewClinicId = null,
    [property: Id(12)] string? NewTherapistId = null,
    [property: Id(13)] string? NewRoomId = null,
    [property: Id(14)] Instant? NewEnd = null,
    [property: Id(15)] string? Reason = null,
    [property: Id(16)] string? ReasonCode = null)
{
    /// <summary>True when the client has to be contacted (nothing proposed, or applying failed).</summary>
    public bool NeedsContact => Status is CoverItemStatus.Uncovered or CoverItemStatus.Failed;
}
