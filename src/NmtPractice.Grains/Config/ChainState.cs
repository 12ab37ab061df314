namespace NmtPractice.Grains.Config;

[GenerateSerializer, Alias("nmt.ChainState")]
public sealed class ChainState
{
    [Id(0)] public TravelMatrix Travel { get; set; } = TravelMatrix.Standard;
    [Id(1)] public SortedSet<string> Clinics { get; set; } = new(StringComparer.Ordinal);
    [Id(2)] public SortedSet<string> Therapists { get; set; } = new(StringComparer.Ordinal);
}
