namespace NmtPractice.Grains.Abstractions.Views;

/// <summary>One room on a clinic day: its out-of-service periods that day and its appointments (every status), by start.</summary>
[GenerateSerializer, Immutable, Alias("nmt.RoomDayView")]
public sealed record RoomDayView(
    [property: Id(0)] string RoomId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Features,
    [property: Id(3)] IReadOnlyList<Interval> OutOfService,
    [property: Id(4)] IReadOnlyList<AppointmentRecord> Appointments);
