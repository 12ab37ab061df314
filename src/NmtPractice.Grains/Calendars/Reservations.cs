namespace NmtPractice.Grains.Calendars;

/// <summary>
/// Shared behaviour of the calendar grains: an in-memory <see cref="Calendar{T}"/> that is rebuilt from the
/// ledger on activation and whenever it may have drifted, tentative reservations, commit, release and refresh.
/// Memory answers fast; the ledger's exclusion constraints remain the last word.
/// </summary>
public static class Reservations
{
    /// <summary>How long a tentative reservation lives if its coordinator never commits or releases it.</summary>
    public static readonly Duration TentativeLifetime = Duration.FromSeconds(30);
}
