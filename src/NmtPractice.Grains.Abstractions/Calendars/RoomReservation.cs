namespace NmtPractice.Grains.Abstractions.Calendars;

[GenerateSerializer, Immutable, Alias("nmt.RoomReservation")]
public sealed record RoomReservation([property: Id(0)] string? RoomId, [property: Id(1)] Refusal? Refusal);
