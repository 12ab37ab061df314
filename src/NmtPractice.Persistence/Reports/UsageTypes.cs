using NmtPractice.Domain.Appointments;
using NodaTime;

namespace NmtPractice.Persistence.Reports;

/// <summary>
/// One room's usage on one clinic-local day: appointments in an occupying status (booked, arrived, fulfilled, noshow)
/// that start that day. Treatment minutes = end - start; turnover minutes = room free - end.
/// </summary>
public sealed record RoomDayUsage(string ClinicId, string RoomId, LocalDate Day, long TreatmentMinutes, long TurnoverMinutes, int Appointments);

/// <summary>One therapist's booked treatment minutes at one clinic on one clinic-local day (occupying statuses, by start date).</summary>
public sealed record TherapistDayUsage(string ClinicId, string TherapistId, LocalDate Day, long BookedMinutes, int Appointments);

/// <summary>
/// Treatment minutes (occupying statuses) that happen in one clinic-local wall-clock hour: <see cref="Hour"/> 0..23 of
/// <see cref="Day"/>. On a day when the clocks go back the repeated hour holds up to 120 minutes per room.
/// </summary>
public sealed record ClinicHourUsage(string ClinicId, LocalDate Day, int Hour, long TreatmentMinutes);

/// <summary>Appointments of one clinic starting on one local day with one service, status and late flag (expired holds excluded).</summary>
public sealed record StatusDayCount(string ClinicId, LocalDate Day, string ServiceId, AppointmentStatus Status, bool CancelledLate, int Appointments);

/// <summary>
/// Clients of one clinic over a period: <see cref="UniqueClients"/> had at least one appointment (any status, expired
/// holds excluded) starting in the period; <see cref="NewClients"/> of them had their first such appointment at this
/// clinic inside the period.
/// </summary>
public sealed record ClientCounts(string ClinicId, int UniqueClients, int NewClients);
