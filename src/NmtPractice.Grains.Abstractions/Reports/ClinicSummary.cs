namespace NmtPractice.Grains.Abstractions.Reports;

/// <summary>
/// One clinic's appointments over a period (by the clinic-local date of their start). Revenue is the service price
/// (as configured now) of every fulfilled appointment, in minor units of the clinic's currency.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.ClinicSummary")]
public sealed record ClinicSummary(
    [property: Id(0)] string ClinicId,
    [property: Id(1)] LocalDate From,
    [property: Id(2)] LocalDate To,
    [property: Id(3)] int Pending,
    [property: Id(4)] int Booked,
    [property: Id(5)] int Arrived,
    [property: Id(6)] int Fulfilled,
    [property: Id(7)] int CancelledInTime,
    [property: Id(8)] int CancelledLate,
    [property: Id(9)] int NoShows,
    [property: Id(10)] int UniqueClients,
    [property: Id(11)] int NewClients,
    [property: Id(12)] long RevenueMinor)
{
    /// <summary>Every appointment except expired holds.</summary>
    public int Total => Pending + Booked + Arrived + Fulfilled + CancelledInTime + CancelledLate + NoShows;

    /// <summary>No-shows / (fulfilled + no-shows): of the appointments that were due and settled, the share missed.</summary>
    public double NoShowRate => SummaryFigures.RateOfNoShows(Fulfilled, NoShows);
}
