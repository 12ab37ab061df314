namespace NmtPractice.Domain.Reports;

/// <summary>Appointments of a clinic over a period by status; revenue in minor units.</summary>
public sealed record SummaryFigures(
    int Pending, int Booked, int Arrived, int Fulfilled, int CancelledInTime, int CancelledLate, int NoShows, long RevenueMinor)
{
    public int Total => Pending + Booked + Arrived + Fulfilled + CancelledInTime + CancelledLate + NoShows;

    /// <summary>No-shows / (fulfilled + no-shows); 0 when neither happened.</summary>
    public double NoShowRate => RateOfNoShows(Fulfilled, NoShows);

    /// <summary>
    /// The one definition of the no-show rate: of the appointments that were due and settled (fulfilled or no-show),
    /// the share missed; 0 when there were none.
    /// </summary>
    public static double RateOfNoShows(int fulfilled, int noShows) => fulfilled + noShows == 0 ? 0 : (double)noShows / (fulfilled + noShows);
}
