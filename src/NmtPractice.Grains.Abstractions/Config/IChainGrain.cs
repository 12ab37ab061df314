namespace NmtPractice.Grains.Abstractions.Config;

/// <summary>The chain: its clinics and therapists, and the travel times between clinics. Key: <see cref="GrainKeys.Chain"/>.</summary>
[Alias("nmt.IChainGrain")]
public interface IChainGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("GetTravel")] Task<TravelMatrix> GetTravel();
    [Alias("SetTravel")] Task<Result<TravelMatrix>> SetTravel(TravelMatrix travel);
    [ReadOnly, Alias("ListClinics")] Task<IReadOnlyList<string>> ListClinics();
    [ReadOnly, Alias("ListTherapists")] Task<IReadOnlyList<string>> ListTherapists();
    [Alias("RegisterClinic")] Task RegisterClinic(string clinicId);
    [Alias("RegisterTherapist")] Task RegisterTherapist(string therapistId);
}
