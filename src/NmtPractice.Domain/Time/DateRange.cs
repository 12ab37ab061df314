namespace NmtPractice.Domain.Time;

/// <summary>A range of calendar dates, inclusive at both ends (a one-day closure has From == To).</summary>
public readonly record struct DateRange(LocalDate From, LocalDate To)
{
    public bool IsValid => From <= To;

    public bool Contains(LocalDate date) => From <= date && date <= To;

    public IEnumerable<LocalDate> Dates()
    {
        for (var d = From; d <= To; d = d.PlusDays(1))
        {
            yield return d;
        }
    }
}
