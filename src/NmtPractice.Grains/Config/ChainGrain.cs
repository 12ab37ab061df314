namespace NmtPractice.Grains.Config;

public sealed class ChainGrain([PersistentState("chain", StorageNames.Grains)] IPersistentState<ChainState> state) : Grain, IChainGrain
{
    Task<TravelMatrix> IChainGrain.GetTravel() => Task.FromResult(state.State.Travel);

    async Task<Result<TravelMatrix>> IChainGrain.SetTravel(TravelMatrix travel)
    {
        if (ConfigValidation.Travel(travel) is { } refusal)
        {
            return refusal;
        }
        state.State.Travel = travel;
        await state.WriteStateAsync();
        return Result<TravelMatrix>.Ok(travel);
    }

    Task<IReadOnlyList<string>> IChainGrain.ListClinics() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Clinics]);

    Task<IReadOnlyList<string>> IChainGrain.ListTherapists() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Therapists]);

    async Task IChainGrain.RegisterClinic(string clinicId)
    {
        if (state.State.Clinics.Add(clinicId))
        {
            await state.WriteStateAsync();
        }
    }

    async Task IChainGrain.RegisterTherapist(string therapistId)
    {
        if (state.State.Therapists.Add(therapistId))
        {
            await state.WriteStateAsync();
        }
    }
}
