namespace NmtPractice.Grains.Config;

[GenerateSerializer, Alias("nmt.ClinicState")]
public sealed class ClinicState
{
    [Id(0)] public Clinic? Clinic { get; set; }
    [Id(1)] public SortedSet<string> Rostered { get; set; } = new(StringComparer.Ordinal);
}
