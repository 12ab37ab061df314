namespace NmtPractice.Grains.Abstractions.Config;

/// <summary>A client's identity and contact details. Key: <see cref="GrainKeys.Client"/>.</summary>
[Alias("nmt.IClientGrain")]
public interface IClientGrain : IGrainWithStringKey
{
    [Alias("Register")] Task<Result<Client>> Register(Client client);
    [ReadOnly, Alias("Get")] Task<Client?> Get();
    [Alias("Update")] Task<Result<Client>> Update(Client client);
    /// <summary>
    /// Erasure: forgets the client's personal data and leaves a tombstone (Get returns null; Register and Update are
    /// refused as erased). False when no such client ever existed.
    /// </summary>
    [Alias("Erase")] Task<bool> Erase();
}
