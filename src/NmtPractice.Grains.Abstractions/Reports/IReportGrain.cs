namespace NmtPractice.Grains.Abstractions.Reports;

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
