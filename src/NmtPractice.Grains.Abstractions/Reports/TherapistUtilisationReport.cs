namespace NmtPractice.Grains.Abstractions.Reports;

/// <summary>Therapist utilisation per therapist, clinic and bucket (<see cref="UtilisationReports.TherapistUtilisation"/>).</summary>
[GenerateSerializer, Immutable, Alias("nmt.TherapistUtilisationReport")]
public sealed record TherapistUtilisationReport(
    [property: Id(0)] ReportQuery Query,
    [property: Id(1)] IReadOnlyList<TherapistUtilisationFigures> Rows);
