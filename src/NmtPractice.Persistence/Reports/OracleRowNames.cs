// Earlier names of the domain's usage figures, still used by UsageStore's Plain* oracles (on their way to the tests)
// and by three signatures next to them. Remove once those have moved.
global using ClientCounts = NmtPractice.Domain.Reports.ClientFigures;
global using ClinicHourUsage = NmtPractice.Domain.Reports.HourFigures;
global using RoomDayUsage = NmtPractice.Domain.Reports.RoomDayFigures;
global using StatusDayCount = NmtPractice.Domain.Reports.StatusFigures;
global using TherapistDayUsage = NmtPractice.Domain.Reports.TherapistDayFigures;
