namespace NmtPractice.Grains.Abstractions.Views;

/// <summary>Read-only schedule views composed from configuration and the ledger (stateless).</summary>
[Alias("nmt.IScheduleViewGrain")]
public interface IScheduleViewGrain : IGrainWithIntegerKey
{
    public const int MaxDays = 31;

    /// <summary><paramref name="days"/> dates from <paramref name="from"/> (each read on each clinic's clock).</summary>
    [ReadOnly, Alias("TherapistWeek")] Task<Result<TherapistWeekView>> TherapistWeek(string therapistId, LocalDate from, int days);

    [ReadOnly, Alias("ClinicDay")] Task<Result<ClinicDayView>> ClinicDay(string clinicId, LocalDate date);
}
