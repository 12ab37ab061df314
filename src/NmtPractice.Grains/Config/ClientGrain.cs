using NmtPractice.Grains.Records;

namespace NmtPractice.Grains.Config;

/// <summary>A client. Each change is written to the grain's state, then to the client directory (the search projection).</summary>
public sealed class ClientGrain(
    [PersistentState("client", StorageNames.Grains)] IPersistentState<ClientState> state,
    ClientDirectory directory,
    AuditTrail audit,
    IClock clock) : Grain, IClientGrain
{
    private string ClientId => GrainKeys.IdOf(this);

    async Task<Result<Client>> IClientGrain.Register(Client client)
    {
        if (client.Id != ClientId)
        {
            return Refusal.Invalid("client_id", $"The client id '{client.Id}' does not match '{ClientId}'.");
        }
        if (state.State.ErasedAt is not null)
        {
            return Erased();
        }
        if (state.State.Client is not null)
        {
            return new Refusal(RefusalReason.AlreadyExists, $"Client {ClientId} already exists.", "client_id");
        }
        return await Store(client, "client.register");
    }

    Task<Client?> IClientGrain.Get() => Task.FromResult(state.State.Client);

    async Task<Result<Client>> IClientGrain.Update(Client client)
    {
        if (state.State.ErasedAt is not null)
        {
            return Erased();
        }
        if (state.State.Client is null)
        {
            return Refusal.NotFound("client_id", $"Client {ClientId} does not exist.");
        }
        return client.Id != ClientId
            ? Refusal.Invalid("client_id", $"The client id '{client.Id}' does not match '{ClientId}'.")
            : await Store(client, "client.update");
    }

    async Task<bool> IClientGrain.Erase()
    {
        if (state.State.ErasedAt is not null)
        {
            return true;
        }
        if (state.State.Client is null)
        {
            return false;
        }
        state.State.Client = null;
        state.State.ErasedAt = clock.GetCurrentInstant();
        await state.WriteStateAsync();
        return true;
    }

    private Refusal Erased() => new(RefusalReason.Erased, $"Client {ClientId} was erased on request; the id cannot be used again.", "client_id");

    private async Task<Result<Client>> Store(Client client, string action)
    {
        if (ConfigValidation.Client(client) is { } refusal)
        {
            return refusal;
        }
        state.State.Client = client;
        await state.WriteStateAsync();
        await directory.UpsertAsync(client, clock.GetCurrentInstant());
        await audit.Write(AuditEntries.ForCurrentCaller(action, "client", ClientId, null, ClientId, null, AuditOutcomes.Ok));
        return Result<Client>.Ok(client);
    }
}
