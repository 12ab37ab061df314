using NmtPractice.Domain.Time;
using NodaTime;

namespace NmtPractice.Domain.Staff;

/// <summary>A qualification such as <c>nmt-certified</c>; valid up to and including <paramref name="ExpiresOn"/> when given.</summary>
public sealed record Qualification(string Code, LocalDate? ExpiresOn)
{
    public bool IsValidOn(LocalDate date) => ExpiresOn is null || date <= ExpiresOn;
}

/// <summary>One shift of a repeating pattern: in week <paramref name="Week"/> (0-based) of the cycle, on <paramref name="Day"/>.</summary>
public sealed record RosterShift(int Week, IsoDayOfWeek Day, LocalTimeRange Hours);

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

public enum RosterExceptionKind
{
    Leave = 1,
    Sickness = 2,
    /// <summary>An extra shift at a clinic, on top of the pattern.</summary>
    ExtraShift = 3,
}

/// <summary>
/// An exception to the roster. Leave and sickness remove [<paramref name="Period"/>) from working time at every
/// clinic; an extra shift adds it at <paramref name="ClinicId"/>.
/// </summary>
public sealed record RosterException(string Id, RosterExceptionKind Kind, Interval Period, string? ClinicId, string Note);

/// <summary>A therapist: chain-wide, may work at several clinics.</summary>
public sealed record Therapist(
    string Id,
    string Name,
    IReadOnlyList<Qualification> Qualifications,
    IReadOnlyList<Roster> Rosters,
    IReadOnlyList<RosterException> Exceptions)
{
    public bool IsQualified(string? required, LocalDate on) =>
        required is null || Qualifications.Any(q => q.Code == required && q.IsValidOn(on));

    public bool HasExpiredQualification(string required, LocalDate on) =>
        Qualifications.Any(q => q.Code == required) && !IsQualified(required, on);

    /// <summary>
    /// The instants the therapist works at <paramref name="clinic"/> on its local <paramref name="date"/>:
    /// rostered shifts plus extra shifts, minus leave and sickness.
    /// </summary>
    public IReadOnlyList<Interval> WorkingIntervals(string clinicId, DateTimeZone clinicZone, LocalDate date)
    {
        var dayStart = date.AtStartOfDayInZone(clinicZone).ToInstant();
        var dayEnd = date.PlusDays(1).AtStartOfDayInZone(clinicZone).ToInstant();
        var day = new Interval(dayStart, dayEnd);

        var rostered = Rosters
            .Where(r => r.ClinicId == clinicId)
            .SelectMany(r => r.ShiftsOn(date))
            .Select(h => h.ToInterval(date, clinicZone));
        var extra = Exceptions
            .Where(e => e.Kind == RosterExceptionKind.ExtraShift && e.ClinicId == clinicId && e.Period.Overlaps(day))
            .Select(e => e.Period);
        var absent = Exceptions.Where(e => e.Kind is RosterExceptionKind.Leave or RosterExceptionKind.Sickness).Select(e => e.Period);
        return Intervals.Subtract(Intervals.Intersect(rostered.Concat(extra), [day]), absent);
    }

    /// <summary>True if leave or sickness overlaps <paramref name="interval"/>.</summary>
    public bool IsAbsentDuring(Interval interval) =>
        Exceptions.Any(e => e.Kind is RosterExceptionKind.Leave or RosterExceptionKind.Sickness && e.Period.Overlaps(interval));
}
