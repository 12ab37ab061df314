namespace NmtPractice.Domain.Reports;

/// <summary>
/// How a report's days are grouped: single days, ISO weeks (Monday to Sunday) or calendar months, all of clinic-local
/// dates (so a week with a daylight-saving change is still seven dates). The date arithmetic is in <see cref="ReportPeriod"/>.
/// </summary>
public enum ReportBucket
{
    Day = 1,
    Week,
    Month,
}
