namespace NmtPractice.Grains.Abstractions.Reports;

/// <summary>The heatmap of one clinic (<see cref="UtilisationReports.Heatmap"/>), with the clinic's name and IANA zone (the hours are its wall-clock hours).</summary>
[GenerateSerializer, Immutable, Alias("nmt.OccupancyHeatmap")]
public sealed record OccupancyHeatmap(
    [property: Id(0)] string ClinicId,
    [property: Id(1)] LocalDate From,
    [property: Id(2)] LocalDate To,
    [property: Id(3)] IReadOnlyList<HeatmapFigures> Cells,
    [property: Id(4)] string ClinicName,
    [property: Id(5)] string TimeZoneId);
