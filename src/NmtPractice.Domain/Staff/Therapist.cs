namespace NmtPractice.Domain.Staff;

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
