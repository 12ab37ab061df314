namespace NmtPractice.Grains.Config;

/// <summary>
/// The client grain's Orleans state of earlier versions. No longer written: the client directory row is the client's
/// stored copy. A grain that finds this state on activation moves it to the directory and clears it.
/// </summary>
[GenerateSerializer, Alias("nmt.ClientState")]
public sealed class ClientState
{
    [Id(0)] public Client? Client { get; set; }
    /// <summary>Set when the client was erased on request: the id stays taken, the personal data is gone.</summary>
    [Id(1)] public Instant? ErasedAt { get; set; }
}
