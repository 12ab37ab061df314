using NmtPractice.Grains.Config;

namespace NmtPractice.Grains.Cover;

[GenerateSerializer, Alias("nmt.CoverPlanState")]
public sealed class CoverPlanState
{
    [Id(0)] public CoverPlan? Plan { get; set; }
    [Id(1)] public Dictionary<string, CoverOutcome> Outcomes { get; set; } = new(StringComparer.Ordinal);
}
