namespace NmtPractice.Grains.Config;

public sealed class TherapistGrain([PersistentState("therapist", StorageNames.Grains)] IPersistentState<TherapistState> state)
    : Grain, ITherapistGrain
{
    private string TherapistId => Keys.IdOf(this);

    async Task<Result<Therapist>> ITherapistGrain.Create(Therapist therapist)
    {
        if (therapist.Id != TherapistId)
        {
            return Refusal.Invalid("therapist_id", $"The therapist id '{therapist.Id}' does not match '{TherapistId}'.");
        }
        if (state.State.Therapist is not null)
        {
            return new Refusal(RefusalReason.AlreadyExists, $"Therapist {TherapistId} already exists.", "therapist_id");
        }
        if ((ConfigValidation.Therapist(therapist) ?? await CheckClinicsExist(therapist.Rosters)) is { } refusal)
        {
            return refusal;
        }
        state.State.Therapist = therapist;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IChainGrain>(Keys.Chain).RegisterTherapist(TherapistId);
        await UpdateClinicRosters([], therapist.Rosters);
        return Result<Therapist>.Ok(therapist);
    }

    Task<Therapist?> ITherapistGrain.Get() => Task.FromResult(state.State.Therapist);

    Task<Result<Therapist>> ITherapistGrain.Rename(string name) => Change(t => t with { Name = name });

    Task<Result<Therapist>> ITherapistGrain.SetQualifications(IReadOnlyList<Qualification> qualifications) =>
        Change(t => t with { Qualifications = [.. qualifications] });

    async Task<Result<Therapist>> ITherapistGrain.SetRosters(IReadOnlyList<Roster> rosters)
    {
        if (await CheckClinicsExist(rosters) is { } refusal)
        {
            return refusal;
        }
        var before = state.State.Therapist?.Rosters ?? [];
        var result = await Change(t => t with { Rosters = [.. rosters] });
        if (result.IsOk)
        {
            await UpdateClinicRosters(before, rosters);
        }
        return result;
    }

    async Task<Result<Therapist>> ITherapistGrain.AddException(RosterException exception)
    {
        if (exception.Kind == RosterExceptionKind.ExtraShift && exception.ClinicId is { } clinicId)
        {
            if (await GrainFactory.GetGrain<IClinicGrain>(Keys.Clinic(clinicId)).Get() is null)
            {
                return Refusal.NotFound("clinic_id", $"Clinic {clinicId} does not exist.");
            }
            await GrainFactory.GetGrain<IClinicGrain>(Keys.Clinic(clinicId)).SetRostered(TherapistId, true);
        }
        return await Change(t => t.Exceptions.Any(e => e.Id == exception.Id)
            ? new Refusal(RefusalReason.AlreadyExists, $"Therapist {t.Id} already has exception '{exception.Id}'.", "exception_id")
            : Result<Therapist>.Ok(t with { Exceptions = [.. t.Exceptions, exception] }));
    }

    Task<Result<Therapist>> ITherapistGrain.RemoveException(string exceptionId) =>
        Change(t => t.Exceptions.Any(e => e.Id == exceptionId)
            ? Result<Therapist>.Ok(t with { Exceptions = [.. t.Exceptions.Where(e => e.Id != exceptionId)] })
            : Refusal.NotFound("exception_id", $"Therapist {t.Id} has no exception '{exceptionId}'."));

    private async Task<Refusal?> CheckClinicsExist(IEnumerable<Roster> rosters)
    {
        foreach (var clinicId in rosters.Select(r => r.ClinicId).Distinct())
        {
            if (Validation.Id("roster.clinic_id", clinicId) is { } bad)
            {
                return bad;
            }
            if (await GrainFactory.GetGrain<IClinicGrain>(Keys.Clinic(clinicId)).Get() is null)
            {
                return Refusal.NotFound("roster.clinic_id", $"Clinic {clinicId} does not exist.");
            }
        }
        return null;
    }

    /// <summary>Keeps each clinic's list of rostered therapists (used by "any therapist" searches) in step.</summary>
    private async Task UpdateClinicRosters(IEnumerable<Roster> before, IEnumerable<Roster> after)
    {
        var old = before.Select(r => r.ClinicId).ToHashSet();
        var now = after.Select(r => r.ClinicId).ToHashSet();
        foreach (var clinicId in old.Union(now))
        {
            var extraShiftThere = state.State.Therapist?.Exceptions.Any(e => e.Kind == RosterExceptionKind.ExtraShift && e.ClinicId == clinicId) == true;
            await GrainFactory.GetGrain<IClinicGrain>(Keys.Clinic(clinicId)).SetRostered(TherapistId, now.Contains(clinicId) || extraShiftThere);
        }
    }

    private Task<Result<Therapist>> Change(Func<Therapist, Therapist> change) => Change(t => Result<Therapist>.Ok(change(t)));

    private async Task<Result<Therapist>> Change(Func<Therapist, Result<Therapist>> change)
    {
        if (state.State.Therapist is not { } current)
        {
            return Refusal.NotFound("therapist_id", $"Therapist {TherapistId} does not exist.");
        }
        var result = change(current);
        if (result.Refusal is not null)
        {
            return result;
        }
        if (ConfigValidation.Therapist(result.Value!) is { } refusal)
        {
            return refusal;
        }
        state.State.Therapist = result.Value;
        await state.WriteStateAsync();
        return result;
    }
}
