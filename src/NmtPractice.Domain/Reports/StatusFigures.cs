namespace NmtPractice.Domain.Reports;

/// <summary>Appointments of one clinic starting on one local day with one service, status and late flag (expired holds excluded).</summary>
public sealed record StatusFigures(string ClinicId, LocalDate Day, string ServiceId, AppointmentStatus Status, bool CancelledLate, int Appointments);
