namespace NmtPractice.Grains.Abstractions.Reports;

/// <summary>Every clinic side by side over one period.</summary>
[GenerateSerializer, Immutable, Alias("nmt.ChainComparisonRow")]
public sealed record ChainComparisonRow(
    [property: Id(0)] string ClinicId,
    [property: Id(1)] string ClinicName,
    [property: Id(2)] RoomUtilisationFigures RoomUtilisation,
    [property: Id(3)] long RosteredMinutes,
    [property: Id(4)] long TherapistBookedMinutes,
    [property: Id(5)] ClinicSummary Summary);
