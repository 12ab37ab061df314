namespace NmtPractice.Domain.Reports;

public sealed record RoomUtilisationResult(
    IReadOnlyList<RoomUtilisationFigures> Rooms, IReadOnlyList<RoomUtilisationFigures> Clinics, IReadOnlyList<RoomUtilisationFigures> Chain);
