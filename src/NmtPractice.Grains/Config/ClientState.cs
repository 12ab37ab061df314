namespace NmtPractice.Grains.Config;

[GenerateSerializer, Alias("nmt.ClientState")]
public sealed class ClientState
{
    [Id(0)] public Client? Client { get; set; }
    /// <summary>Set when the client was erased on request: the id stays taken, the personal data is gone.</summary>
    [Id(1)] public Instant? ErasedAt { get; set; }
}
