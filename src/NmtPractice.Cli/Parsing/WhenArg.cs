using System.Text.RegularExpressions;
using NodaTime.TimeZones;

namespace NmtPractice.Cli.Parsing;

/// <summary>
/// A time from the command line: either an instant (it carried "Z" or an offset) or a wall-clock time that still
/// needs a zone (usually the clinic's).
/// </summary>
public readonly record struct WhenArg(Instant? Instant, LocalDateTime? Local)
{
    public bool NeedsZone => Instant is null;
}
