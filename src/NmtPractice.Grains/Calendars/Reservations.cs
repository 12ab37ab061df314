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

    /// <summary>
    /// Minutes a calendar grain stays active without calls (Orleans' default is 15): silo memory follows the days
    /// being booked, not every day touched in the last quarter hour. Re-activation reads the ledger again, in a
    /// batch with the other calendars activating then (<see cref="Infrastructure.CalendarLoader"/>).
    /// </summary>
    public const double IdleMinutes = 3;
}
