namespace NmtPractice.Domain.Reports;

/// <summary>
/// Treatment minutes (occupying statuses) that happen in one clinic-local wall-clock hour: <see cref="Hour"/> 0..23 of
/// <see cref="Day"/>. On a day when the clocks go back the repeated hour holds up to 120 minutes per room.
/// </summary>
public sealed record HourFigures(string ClinicId, LocalDate Day, int Hour, long TreatmentMinutes);
