namespace NmtPractice.Domain.Staff;

/// <summary>
/// The chain-wide travel times between clinics: the listed pairs, else <see cref="Default"/>.
/// Staying at the same clinic takes no travel.
/// </summary>
public sealed record TravelMatrix(Duration Default, IReadOnlyList<TravelTime> Pairs)
{
    public static readonly TravelMatrix Standard = new(Duration.FromMinutes(30), []);

    public Duration Between(string from, string to)
    {
        if (from == to)
        {
            return Duration.Zero;
        }
        foreach (var pair in Pairs)
        {
            if ((pair.ClinicA == from && pair.ClinicB == to) || (pair.ClinicA == to && pair.ClinicB == from))
            {
                return pair.Duration;
            }
        }
        return Default;
    }

    public Duration Longest => Pairs.Select(p => p.Duration).DefaultIfEmpty(Default).Max() is var m && m > Default ? m : Default;
}
