using NmtPractice.Domain.Appointments;
using NmtPractice.Domain.Clinics;
using NmtPractice.Domain.Staff;
using NodaTime;

namespace NmtPractice.Domain.Reports;

public sealed record RoomUtilisationResult(
    IReadOnlyList<RoomUtilisationFigures> Rooms, IReadOnlyList<RoomUtilisationFigures> Clinics, IReadOnlyList<RoomUtilisationFigures> Chain);
