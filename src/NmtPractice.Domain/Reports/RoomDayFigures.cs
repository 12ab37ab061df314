namespace NmtPractice.Domain.Reports;

/// <summary>
/// One room's usage on one clinic-local day, as the ledger's usage tables report it: appointments in an occupying status
/// (booked, arrived, fulfilled, noshow) that start that day. Treatment minutes = end - start; turnover minutes = room
/// free - end.
/// </summary>
public sealed record RoomDayFigures(string ClinicId, string RoomId, LocalDate Day, long TreatmentMinutes, long TurnoverMinutes, int Appointments);
