namespace NmtPractice.Grains.Config;

// Persistent states. Each has its own state name (the ADO.NET provider keys rows by state name, not grain type).

[GenerateSerializer, Alias("nmt.ChainState")]
public sealed class ChainState
{
    [Id(0)] public TravelMatrix Travel { get; set; } = TravelMatrix.Standard;
    [Id(1)] public SortedSet<string> Clinics { get; set; } = new(StringComparer.Ordinal);
    [Id(2)] public SortedSet<string> Therapists { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer, Alias("nmt.ClinicState")]
public sealed class ClinicState
{
    [Id(0)] public Clinic? Clinic { get; set; }
    [Id(1)] public SortedSet<string> Rostered { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer, Alias("nmt.TherapistState")]
public sealed class TherapistState
{
    [Id(0)] public Therapist? Therapist { get; set; }
}

[GenerateSerializer, Alias("nmt.ClientState")]
public sealed class ClientState
{
    [Id(0)] public Client? Client { get; set; }
    /// <summary>Set when the client was erased on request: the id stays taken, the personal data is gone.</summary>
    [Id(1)] public Instant? ErasedAt { get; set; }
}

public static class StorageNames
{
    /// <summary>The grain storage provider every NmtPractice grain uses.</summary>
    public const string Grains = "nmt";
}
