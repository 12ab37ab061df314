namespace NmtPractice.Grains.Views;

/// <summary>Client search over the client directory (the search projection written by the client grains).</summary>
[StatelessWorker]
public sealed class ClientDirectoryGrain(ClientDirectory directory) : Grain, IClientDirectoryGrain
{
    async Task<IReadOnlyList<ClientMatch>> IClientDirectoryGrain.Search(ClientSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var found = await directory.SearchAsync(search.Name, search.Phone, search.Email, search.Limit, search.After);
        return found.Select(c => new ClientMatch(c.ClientId, c.GivenName, c.FamilyName, c.Phone, c.Email)).ToList();
    }
}
