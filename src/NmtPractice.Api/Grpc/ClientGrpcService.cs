using NmtPractice.Api.V1;
using DomainClient = NmtPractice.Domain.Clients.Client;

namespace NmtPractice.Api.Grpc;

/// <summary>Clients' identity and contact details: validates, maps and calls the client grain.</summary>
public sealed class ClientGrpcService(IGrainFactory grains, ILogger<ClientGrpcService> logger) : ClientService.ClientServiceBase
{
    public override async Task<V1.Client> RegisterClient(RegisterClientRequest request, ServerCallContext context)
    {
        var requestId = WireFormat.RequestId(request.RequestId, required: false);
        var client = MapClient(WireFormat.Required(request.Client, "client"), "client");
        logger.LogInformation("Registering client {ClientId} (request {RequestId})", client.Id, requestId);
        return MapClient((await Client(client.Id).Register(client)).OrThrow());
    }

    public override async Task<V1.Client> GetClient(GetClientRequest request, ServerCallContext context)
    {
        var clientId = WireFormat.Id(request.ClientId, "client_id");
        var client = await Client(clientId).Get() ?? throw ApiErrors.NotFound("client_id", $"Client {clientId} does not exist.");
        return MapClient(client);
    }

    public override async Task<V1.Client> UpdateClient(UpdateClientRequest request, ServerCallContext context)
    {
        WireFormat.RequestId(request.RequestId, required: false);
        var client = MapClient(WireFormat.Required(request.Client, "client"), "client");
        return MapClient((await Client(client.Id).Update(client)).OrThrow());
    }

    public override Task<SearchClientsResponse> SearchClients(SearchClientsRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented,
            "SearchClients is not implemented yet: it needs a client search projection (name, phone, e-mail) in PostgreSQL."));

    private IClientGrain Client(string clientId) => grains.GetGrain<IClientGrain>(Keys.Client(clientId));

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
