using NmtPractice.Grains.Records;

namespace NmtPractice.Grains.Config;

/// <summary>
/// A client. The client directory row is the client's one stored copy: the grain reads it on activation, and each
/// registration or update writes the row and its audit row in one transaction (<see cref="ClientDirectory.SaveAsync"/>),
/// so a change is either stored and audited or not made at all; the grain's memory follows only after the commit.
/// Earlier versions kept the client in Orleans state ("client"); such state is moved to the directory on activation
/// and cleared.
/// </summary>
public sealed class ClientGrain(
    [PersistentState("client", StorageNames.Grains)] IPersistentState<ClientState> legacy,
    ClientDirectory directory,
    IClock clock) : Grain, IClientGrain
{
    private Client? _client;
    private bool _erased;

    private string ClientId => GrainKeys.IdOf(this);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (legacy.RecordExists && (legacy.State.Client is not null || legacy.State.ErasedAt is not null))
        {
            await MoveLegacyState(cancellationToken);
        }
        var stored = await directory.GetAsync(ClientId, cancellationToken);
        (_client, _erased) = (stored.Client, stored.Erased);
        await base.OnActivateAsync(cancellationToken);
    }

    async Task<Result<Client>> IClientGrain.Register(Client client)
    {
        if (client.Id != ClientId)
        {
            return Refusal.Invalid("client_id", $"The client id '{client.Id}' does not match '{ClientId}'.");
        }
        if (_erased)
        {
            return Erased();
        }
        if (_client is not null)
        {
            return Exists();
        }
        return await Store(client, isNew: true, "client.register");
    }

    Task<Client?> IClientGrain.Get() => Task.FromResult(_client);

    async Task<Result<Client>> IClientGrain.Update(Client client)
    {
        if (_erased)
        {
            return Erased();
        }
        if (_client is null)
        {
            return Refusal.NotFound("client_id", $"Client {ClientId} does not exist.");
        }
        return client.Id != ClientId
            ? Refusal.Invalid("client_id", $"The client id '{client.Id}' does not match '{ClientId}'.")
            : await Store(client, isNew: false, "client.update");
    }

    async Task<bool> IClientGrain.Erase()
    {
        if (_erased)
        {
            return true;
        }
        if (_client is null)
        {
            return false;
        }
        if (!await directory.MarkErasedAsync(ClientId, clock.GetCurrentInstant()))
        {
            return false;
        }
        (_client, _erased) = (null, true);
        return true;
    }

    private Refusal Erased() => new(RefusalReason.Erased, $"Client {ClientId} was erased on request; the id cannot be used again.", "client_id");

    private Refusal Exists() => new(RefusalReason.AlreadyExists, $"Client {ClientId} already exists.", "client_id");

    private async Task<Result<Client>> Store(Client client, bool isNew, string action)
    {
        if (ConfigValidation.Client(client) is { } refusal)
        {
            return refusal;
        }
        var audit = AuditEntries.ForCurrentCaller(action, "client", ClientId, null, ClientId, null, AuditOutcomes.Ok);
        if (!await directory.SaveAsync(client, isNew, clock.GetCurrentInstant(), audit))
        {
            // Another writer got there first (only possible around a migration or a second activation): reload.
            var stored = await directory.GetAsync(ClientId);
            (_client, _erased) = (stored.Client, stored.Erased);
            return _erased ? Erased() : isNew ? Exists() : Refusal.NotFound("client_id", $"Client {ClientId} does not exist.");
        }
        _client = client;
        return Result<Client>.Ok(client);
    }

    /// <summary>Moves the client kept in Orleans state by earlier versions to the directory, then clears that state.</summary>
    private async Task MoveLegacyState(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        if (legacy.State.ErasedAt is not null)
        {
            await directory.MarkErasedAsync(ClientId, now, ct);
        }
        else if (legacy.State.Client is { } client && !(await directory.GetAsync(ClientId, ct)).Erased)
        {
            await directory.UpsertAsync(client, now, ct);
        }
        await legacy.ClearStateAsync(ct);
    }
}
