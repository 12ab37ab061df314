namespace NmtPractice.Grains.Abstractions.Reports;

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
