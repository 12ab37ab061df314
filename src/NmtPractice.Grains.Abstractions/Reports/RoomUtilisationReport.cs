namespace NmtPractice.Grains.Abstractions.Reports;

/// <summary>Room utilisation per room, clinic and chain, one row per bucket (<see cref="UtilisationReports.RoomUtilisation"/>).</summary>
[GenerateSerializer, Immutable, Alias("nmt.RoomUtilisationReport")]
public sealed record RoomUtilisationReport(
    [property: Id(0)] ReportQuery Query,
    [property: Id(1)] IReadOnlyList<RoomUtilisationFigures> Rooms,
    [property: Id(2)] IReadOnlyList<RoomUtilisationFigures> Clinics,
    [property: Id(3)] IReadOnlyList<RoomUtilisationFigures> Chain);
