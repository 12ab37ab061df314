namespace NmtPractice.Domain.Reports;

/// <summary>One therapist's booked treatment minutes at one clinic on one clinic-local day (occupying statuses, by start date).</summary>
public sealed record TherapistDayFigures(string ClinicId, string TherapistId, LocalDate Day, long BookedMinutes, int Appointments);
