using DomainClient = NmtPractice.Domain.Clients.Client;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// Clients' identity and contact details: validates, maps and calls the client grain. Contact details are part of the
/// client's record, so every read (GetClient, and each client a search returns) is written to the audit trail (through
/// the audit grain) before the answer leaves; if the audit write fails, so does the read. Searches go through the client
/// directory grain.
/// </summary>
public sealed class ClientGrpcService(IGrainFactory grains, ILogger<ClientGrpcService> logger) : ClientService.ClientServiceBase
{
    public override async Task<V1.Client> RegisterClient(RegisterClientRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var client = MapClient(WireFormat.Required(request.Client, "client"), "client");
        logger.LogInformation("Registering client {ClientId}", client.Id);
        return MapClient((await Client(client.Id).Register(client)).OrThrow());
    }

    public override async Task<V1.Client> GetClient(GetClientRequest request, ServerCallContext context)
    {
        var clientId = WireFormat.Id(request.ClientId, "client_id");
        var client = await grains.ExistingClient(clientId);
        await AuditReadsAsync("client.read", [clientId]);
        return MapClient(client);
    }

    public override async Task<V1.Client> UpdateClient(UpdateClientRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var client = MapClient(WireFormat.Required(request.Client, "client"), "client");
        return MapClient((await Client(client.Id).Update(client)).OrThrow());
    }

    public override async Task<SearchClientsResponse> SearchClients(SearchClientsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var after = Paging.KeyAfter(request.PageToken);
        var (name, phone, email) = MapSearch(request);
        var found = await grains.GetGrain<IClientDirectoryGrain>(0).Search(new ClientSearch(name, phone, email, pageSize + 1, after));
        var page = found.Take(pageSize).ToList();
        await AuditReadsAsync("client.search", page.Select(c => c.ClientId).ToList());
        var response = new SearchClientsResponse { NextPageToken = found.Count > pageSize ? Paging.KeyToken(page[^1].ClientId) : "" };
        response.Clients.AddRange(page.Select(MapSummary));
        return response;
    }

    /// <summary>Audits a read of these clients' contact details by the current caller; throws when the write fails.</summary>
    private async Task AuditReadsAsync(string action, IReadOnlyList<string> clientIds)
    {
        if (clientIds.Count > 0)
        {
            await grains.GetGrain<IAuditGrain>(0).RecordClientReads(action, clientIds);
        }
    }

    /// <summary>The search criteria: the explicit fields, plus the free-text query read as an e-mail, a phone number or a name.</summary>
    private static (string? Name, string? Phone, string? Email) MapSearch(SearchClientsRequest r)
    {
        foreach (var (value, field) in new[] { (r.Query, "query"), (r.Name, "name"), (r.Phone, "phone"), (r.Email, "email") })
        {
            if (Validation.OptionalText(field, value, Validation.MaxNameLength) is { } refusal)
            {
                ApiErrors.ThrowRefused(refusal);
            }
        }
        string? name = Blank(r.Name), phone = Blank(r.Phone), email = Blank(r.Email);
        if (Blank(r.Query) is { } query)
        {
            if (query.Contains('@', StringComparison.Ordinal))
            {
                email ??= query;
            }
            else if (query.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')') && query.Any(char.IsAsciiDigit))
            {
                phone ??= query;
            }
            else
            {
                name = name is null ? query : $"{name} {query}";
            }
        }
        if (phone is not null && !phone.Any(char.IsAsciiDigit))
        {
            ApiErrors.ThrowInvalid("phone", "A phone search needs digits.");
        }
        if (name is null && phone is null && email is null)
        {
            ApiErrors.ThrowInvalid("query", "Give a name, phone number or e-mail address to search for.");
        }
        return (name, phone, email);
    }

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static V1.Client MapSummary(ClientMatch c) => new()
    {
        ClientId = c.ClientId,
        GivenName = c.GivenName,
        FamilyName = c.FamilyName,
        Phone = c.Phone ?? "",
        Email = c.Email ?? "",
    };

    private IClientGrain Client(string clientId) => grains.GetGrain<IClientGrain>(GrainKeys.Client(clientId));

    /// <summary>The wire client; checked with the domain's client rules, the field named with its wire path.</summary>
    private static DomainClient MapClient(V1.Client c, string prefix)
    {
        var client = new DomainClient(
            WireFormat.Id(c.ClientId, WireFormat.Join(prefix, "client_id")),
            WireFormat.RequiredText(c.GivenName, WireFormat.Join(prefix, "given_name")),
            WireFormat.RequiredText(c.FamilyName, WireFormat.Join(prefix, "family_name")),
            c.Phone.Length == 0 ? null : c.Phone,
            c.Email.Length == 0 ? null : c.Email,
            WireFormat.OptionalDate(c.DateOfBirth, WireFormat.Join(prefix, "date_of_birth")));
        if (ConfigValidation.Client(client) is { } refusal)
        {
            ApiErrors.ThrowRefused(refusal with { Field = WireFormat.Join(prefix, refusal.Field ?? "") });
        }
        return client;
    }

    private static V1.Client MapClient(DomainClient c) => new()
    {
        ClientId = c.Id,
        GivenName = c.GivenName,
        FamilyName = c.FamilyName,
        Phone = c.Phone ?? "",
        Email = c.Email ?? "",
        DateOfBirth = WireFormat.FormatDate(c.DateOfBirth),
    };
}
