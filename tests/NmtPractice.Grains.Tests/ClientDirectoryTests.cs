using NmtPractice.Persistence;
using Npgsql;

namespace NmtPractice.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ClientDirectoryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Registered_and_updated_clients_are_found_by_name_phone_and_email()
    {
        var chain = new GrainChain(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);
        var unique = Guid.NewGuid().ToString("N")[..6];
        var id = chain.Id("ada");
        await fixture.Grains.GetGrain<IClientGrain>(GrainKeys.Client(id)).Register(new Client(id, "Ada", $"Lovelace{unique}", "+44 20 7946 0958", $"ada.{unique}@example.org", null));
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        var directory = new ClientDirectory(dataSource);

        Assert.Equal(id, Assert.Single(await directory.SearchAsync($"ada lovelace{unique}", null, null, 10)).ClientId);
        Assert.Equal(id, Assert.Single(await directory.SearchAsync(null, null, $"ADA.{unique}@example.org", 10)).ClientId);
        Assert.Contains(await directory.SearchAsync($"lovelace{unique}", "020 7946 0958", null, 10), c => c.ClientId == id);
        Assert.Empty(await directory.SearchAsync($"lovelace{unique} %", null, null, 10));

        await fixture.Grains.GetGrain<IClientGrain>(GrainKeys.Client(id)).Update(new Client(id, "Ada", $"King{unique}", null, null, null));
        Assert.Empty(await directory.SearchAsync($"lovelace{unique}", null, null, 10));
        Assert.Single(await directory.SearchAsync($"king{unique}", null, null, 10));
    }
}
