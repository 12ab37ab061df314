namespace NmtPractice.Grains.Config;

[GenerateSerializer, Alias("nmt.TherapistState")]
public sealed class TherapistState
{
    [Id(0)] public Therapist? Therapist { get; set; }
}
