using Orleans;
using Orleans.Runtime;

namespace NmtPractice.Persistence.Tests;

/// <summary>A test grain that exercises the ADO.NET grain storage and reminder providers.</summary>
public interface IOrleansProbeGrain : IGrainWithStringKey
{
    Task SetAsync(string value);

    Task<string?> GetAsync();

    Task<string?> GetETagAsync();

    Task RegisterReminderAsync(string name);

    Task<bool> HasReminderAsync(string name);
}

[GenerateSerializer]
public sealed class OrleansProbeState
{
    [Id(0)]
    public string? Value { get; set; }
}

public sealed class OrleansProbeGrain(
    [PersistentState("orleansProbe", OrleansSiloTests.StorageName)] IPersistentState<OrleansProbeState> state)
    : Grain, IOrleansProbeGrain, IRemindable
{
    public async Task SetAsync(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<string?> GetAsync() => Task.FromResult(state.State.Value);

    public Task<string?> GetETagAsync() => Task.FromResult(state.Etag);

    public Task RegisterReminderAsync(string name) =>
        this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    public async Task<bool> HasReminderAsync(string name) => await this.GetReminder(name) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
