namespace NmtPractice.EndToEnd.Tests;

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

    [Fact]
    public async Task Reading_contact_details_leaves_an_audit_row_per_client_returned()
    {
        var chain = new ApiChain(api, "auditread" + Guid.NewGuid().ToString("N")[..6]);
        var family = $"Hopper{Guid.NewGuid():N}"[..16];
        foreach (var name in new[] { "grace", "ada" })
        {
            await api.Clients.RegisterClientAsync(new RegisterClientRequest
            {
                RequestId = ApiChain.NewRequestId(),
                Client = new V1.Client { ClientId = chain.Id(name), GivenName = name, FamilyName = family, Phone = "+44 20 7946 0000" },
            });
        }

        var found = await api.Clients.SearchClientsAsync(new SearchClientsRequest { Name = family });
        await api.Clients.GetClientAsync(new GetClientRequest { ClientId = chain.Id("grace") });

        Assert.Equal(2, found.Clients.Count);
        var admin = new AuditService.AuditServiceClient(api.Invoker);
        var grace = await admin.QueryAuditAsync(new QueryAuditRequest { ClientId = chain.Id("grace"), PageSize = 50 });
        Assert.Equal(
            [("client.register", "chain-admin"), ("client.search", "chain-admin"), ("client.read", "chain-admin")],
            grace.Entries.Select(e => (e.Action, e.Role)));
        Assert.All(grace.Entries.Skip(1), e => Assert.StartsWith("ipv4:127.0.0.1:", e.Source, StringComparison.Ordinal));
        var ada = await admin.QueryAuditAsync(new QueryAuditRequest { ClientId = chain.Id("ada"), Action = "client.search" });
        Assert.Single(ada.Entries);
    }
}
