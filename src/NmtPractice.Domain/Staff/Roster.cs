namespace NmtPractice.Domain.Staff;

/// <summary>
/// A therapist's repeating shift pattern at one clinic. The cycle is <see cref="CycleWeeks"/> long
/// (1 = weekly, 2 = fortnightly...) and its week 0 is the week containing <see cref="Anchor"/>
/// (weeks start on Monday). The pattern applies to dates in [<see cref="From"/>, <see cref="Until"/>] when given.
/// </summary>
public sealed record Roster(
    string ClinicId,
    int CycleWeeks,
    LocalDate Anchor,
    IReadOnlyList<RosterShift> Shifts,
    LocalDate? From = null,
    LocalDate? Until = null)
{
    public const int MaxCycleWeeks = 12;

    public int WeekOfCycle(LocalDate date)
    {
        var anchorMonday = Anchor.PlusDays(1 - (int)Anchor.DayOfWeek);
        var monday = date.PlusDays(1 - (int)date.DayOfWeek);
        var weeks = Period.Between(anchorMonday, monday, PeriodUnits.Days).Days / 7;
        return ((weeks % CycleWeeks) + CycleWeeks) % CycleWeeks;
    }

    public IEnumerable<LocalTimeRange> ShiftsOn(LocalDate date)
    {
        if ((From is { } from && date < from) || (Until is { } until && date > until))
        {
            return [];
        }
        var week = WeekOfCycle(date);
        return Shifts.Where(s => s.Week == week && s.Day == date.DayOfWeek).Select(s => s.Hours);
    }
}
