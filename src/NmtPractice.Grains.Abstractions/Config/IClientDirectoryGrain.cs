namespace NmtPractice.Grains.Abstractions.Config;

/// <summary>Searches the client directory (the search projection the client grains keep). Stateless; key 0.</summary>
[Alias("nmt.IClientDirectoryGrain")]
public interface IClientDirectoryGrain : IGrainWithIntegerKey
{
    [ReadOnly, Alias("Search")] Task<IReadOnlyList<ClientMatch>> Search(ClientSearch search);
}
