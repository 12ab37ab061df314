using NmtPractice.Domain.Reports;

namespace NmtPractice.Grains;

/// <summary>
/// What a report covers: clinic-local dates <see cref="From"/>..<see cref="To"/> inclusive, for the given clinics
/// (empty: every clinic of the chain), grouped by <see cref="Bucket"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("nmt.ReportQuery")]
public sealed record ReportQuery(
    [property: Id(0)] IReadOnlyList<string> ClinicIds,
    [property: Id(1)] LocalDate From,
    [property: Id(2)] LocalDate To,
    [property: Id(3)] ReportBucket Bucket = ReportBucket.Day);

/// <summary>Room utilisation per room, clinic and chain, one row per bucket (<see cref="UtilisationReports.RoomUtilisation"/>).</summary>
[GenerateSerializer, Immutable, Alias("nmt.RoomUtilisationReport")]
public sealed record RoomUtilisationReport(
    [property: Id(0)] ReportQuery Query,
    [property: Id(1)] IReadOnlyList<RoomUtilisationFigures> Rooms,
    [property: Id(2)] IReadOnlyList<RoomUtilisationFigures> Clinics,
    [property: Id(3)] IReadOnlyList<RoomUtilisationFigures> Chain);

/// <summary>Therapist utilisation per therapist, clinic and bucket (<see cref="UtilisationReports.TherapistUtilisation"/>).</summary>
[GenerateSerializer, Immutable, Alias("nmt.TherapistUtilisationReport")]
public sealed record TherapistUtilisationReport(
    [property: Id(0)] ReportQuery Query,
    [property: Id(1)] IReadOnlyList<TherapistUtilisationFigures> Rows);

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

/// <summary>The heatmap of one clinic (<see cref="UtilisationReports.Heatmap"/>), with the clinic's name and IANA zone (the hours are its wall-clock hours).</summary>
[GenerateSerializer, Immutable, Alias("nmt.OccupancyHeatmap")]
public sealed record OccupancyHeatmap(
    [property: Id(0)] string ClinicId,
    [property: Id(1)] LocalDate From,
    [property: Id(2)] LocalDate To,
    [property: Id(3)] IReadOnlyList<HeatmapFigures> Cells,
    [property: Id(4)] string ClinicName,
    [property: Id(5)] string TimeZoneId);

/// <summary>Every clinic side by side over one period.</summary>
[GenerateSerializer, Immutable, Alias("nmt.ChainComparisonRow")]
public sealed record ChainComparisonRow(
    [property: Id(0)] string ClinicId,
    [property: Id(1)] string ClinicName,
    [property: Id(2)] RoomUtilisationFigures RoomUtilisation,
    [property: Id(3)] long RosteredMinutes,
    [property: Id(4)] long TherapistBookedMinutes,
    [property: Id(5)] ClinicSummary Summary);

/// <summary>
/// Reports from the ledger's incrementally maintained usage and the configuration. Stateless; any silo serves it.
/// Every method refuses unknown clinics, reversed periods and periods longer than the limit with a
/// <see cref="Refusal"/>: it is the one place that checks a report's clinics (an unknown one of a list is refused on
/// field "clinic_ids" with the id as <see cref="Refusal.Value"/>).
/// </summary>
[Alias("nmt.IReportGrain")]
public interface IReportGrain : IGrainWithIntegerKey
{
    [Alias("RoomUtilisation")] Task<Result<RoomUtilisationReport>> RoomUtilisation(ReportQuery query);
    [Alias("TherapistUtilisation")] Task<Result<TherapistUtilisationReport>> TherapistUtilisation(ReportQuery query);
    [Alias("ClinicSummary")] Task<Result<ClinicSummary>> ClinicSummary(string clinicId, LocalDate from, LocalDate to);
    [Alias("Heatmap")] Task<Result<OccupancyHeatmap>> Heatmap(string clinicId, LocalDate from, LocalDate to);
    [Alias("ChainComparison")] Task<Result<IReadOnlyList<ChainComparisonRow>>> ChainComparison(LocalDate from, LocalDate to);

    /// <summary>The clinics a report over <paramref name="clinicIds"/> covers: those ids (duplicates dropped, order kept), or every clinic of the chain by id when none.</summary>
    [Alias("Clinics")] Task<Result<IReadOnlyList<string>>> Clinics(IReadOnlyList<string> clinicIds);
}
