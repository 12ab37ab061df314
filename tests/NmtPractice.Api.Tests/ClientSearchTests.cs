namespace NmtPractice.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class ClientSearchTests(ApiServerFixture api)
{
    [Fact]
    public async Task Clients_are_found_by_name_phone_or_email_a_page_at_a_time()
    {
        var chain = new ApiChain(api, "search");
        var family = $"Lovelace{Guid.NewGuid():N}"[..16];
        for (var i = 0; i < 5; i++)
        {
            await api.Clients.RegisterClientAsync(new RegisterClientRequest
            {
                RequestId = ApiChain.NewRequestId(),
                Client = new V1.Client { ClientId = chain.Id($"ada{i}"), GivenName = $"Ada{i}", FamilyName = family, Phone = $"+44 20 7946 09{i}{i}", Email = $"ada{i}.{family}@example.org" },
            });
        }

        var first = await api.Clients.SearchClientsAsync(new SearchClientsRequest { Query = family.ToLowerInvariant(), PageSize = 3 });
        var second = await api.Clients.SearchClientsAsync(new SearchClientsRequest { Query = family, PageSize = 3, PageToken = first.NextPageToken });
        var byPhone = await api.Clients.SearchClientsAsync(new SearchClientsRequest { Query = "020 7946 0933" });
        var byEmail = await api.Clients.SearchClientsAsync(new SearchClientsRequest { Query = $"ADA4.{family}@example.org" });
        var byNameAndPhone = await api.Clients.SearchClientsAsync(new SearchClientsRequest { Name = $"ada2 {family}", Phone = "7946" });

        Assert.Equal(3, first.Clients.Count);
        Assert.NotEmpty(first.NextPageToken);
        Assert.Equal(2, second.Clients.Count);
        Assert.Empty(second.NextPageToken);
        Assert.Equal(5, first.Clients.Concat(second.Clients).Select(c => c.ClientId).Distinct().Count());
        Assert.Equal(chain.Id("ada3"), Assert.Single(byPhone.Clients).ClientId);
        Assert.Equal(chain.Id("ada4"), Assert.Single(byEmail.Clients).ClientId);
        Assert.Equal(chain.Id("ada2"), Assert.Single(byNameAndPhone.Clients).ClientId);
    }
}
