namespace NmtPractice.Grains.Config;

/// <summary>
/// A therapist. Changes to rosters and exceptions are checked against the ledger: booked appointments from now on that a
/// change would leave outside rostered time make it refused (WOULD_STRAND_BOOKINGS) unless the caller allows it.
/// </summary>
public sealed class TherapistGrain(
    [PersistentState("therapist", StorageNames.Grains)] IPersistentState<TherapistState> state,
    AppointmentLedger ledger,
    OutboxStore outbox,
    IClock clock)
    : Grain, ITherapistGrain
{
    /// <summary>How far ahead appointments are checked for stranding: the end of the diary (<see cref="BookingLimits.LatestInstant"/>).</summary>
    private static readonly Instant Horizon = BookingLimits.LatestInstant;

    private string TherapistId => GrainKeys.IdOf(this);

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
        await GrainFactory.GetGrain<IChainGrain>(GrainKeys.Chain).RegisterTherapist(TherapistId);
        await UpdateClinicRosters([], therapist.Rosters);
        return Result<Therapist>.Ok(therapist);
    }

    Task<Therapist?> ITherapistGrain.Get() => Task.FromResult(state.State.Therapist);

    Task<Result<Therapist>> ITherapistGrain.Rename(string name) => Change(t => t with { Name = name });

    Task<Result<Therapist>> ITherapistGrain.SetQualifications(IReadOnlyList<Qualification> qualifications) =>
        Change(t => t with { Qualifications = [.. qualifications] });

    async Task<Result<Therapist>> ITherapistGrain.SetRosters(IReadOnlyList<Roster> rosters) =>
        Plain(await ((ITherapistGrain)this).SetRostersChecked(rosters, allowStranding: false));

    async Task<Result<Therapist>> ITherapistGrain.AddException(RosterException exception) =>
        Plain(await ((ITherapistGrain)this).AddExceptionChecked(exception, allowStranding: false));

    async Task<Result<RosterChange>> ITherapistGrain.SetRostersChecked(IReadOnlyList<Roster> rosters, bool allowStranding)
    {
        if (await CheckClinicsExist(rosters) is { } refusal)
        {
            return refusal;
        }
        var before = state.State.Therapist?.Rosters ?? [];
        var result = await Change(t => Result<Therapist>.Ok(t with { Rosters = [.. rosters] }), allowStranding);
        if (result.IsOk)
        {
            await UpdateClinicRosters(before, rosters);
            var clinics = before.Select(r => r.ClinicId).Concat(rosters.Select(r => r.ClinicId)).Distinct().ToList();
            await outbox.AppendAsync(OutboxEvents.RosterChanged(TherapistId, "rosters", clinics, clock.GetCurrentInstant()));
        }
        return result;
    }

    async Task<Result<RosterChange>> ITherapistGrain.AddExceptionChecked(RosterException exception, bool allowStranding)
    {
        if (exception.Kind == RosterExceptionKind.ExtraShift && exception.ClinicId is { } clinicId)
        {
            if (await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinicId)).Get() is null)
            {
                return Refusal.NotFound("clinic_id", $"Clinic {clinicId} does not exist.");
            }
            await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinicId)).SetRostered(TherapistId, true);
        }
        var result = await Change(t => t.Exceptions.Any(e => e.Id == exception.Id)
            ? new Refusal(RefusalReason.AlreadyExists, $"Therapist {t.Id} already has exception '{exception.Id}'.", "exception_id")
            : Result<Therapist>.Ok(t with { Exceptions = [.. t.Exceptions, exception] }), allowStranding);
        if (result.IsOk)
        {
            var now = clock.GetCurrentInstant();
            await outbox.AppendAsync(exception.Kind is RosterExceptionKind.Leave or RosterExceptionKind.Sickness
                ? OutboxEvents.AbsenceRecorded(TherapistId, exception.Period, RosteredClinics(), now)
                : OutboxEvents.RosterChanged(TherapistId, "extra_shift", RosteredClinics(exception.ClinicId), now,
                    new { from = exception.Period.Start.ToString(), to = exception.Period.End.ToString() }));
        }
        return result;
    }

    async Task<Result<Therapist>> ITherapistGrain.RemoveException(string exceptionId)
    {
        var removed = state.State.Therapist?.Exceptions.FirstOrDefault(e => e.Id == exceptionId);
        var result = await Change(t => t.Exceptions.Any(e => e.Id == exceptionId)
            ? Result<Therapist>.Ok(t with { Exceptions = [.. t.Exceptions.Where(e => e.Id != exceptionId)] })
            : Refusal.NotFound("exception_id", $"Therapist {t.Id} has no exception '{exceptionId}'."));
        if (result.IsOk && removed is not null)
        {
            await outbox.AppendAsync(OutboxEvents.RosterChanged(TherapistId, "exception_removed", RosteredClinics(removed.ClinicId), clock.GetCurrentInstant(),
                new { from = removed.Period.Start.ToString(), to = removed.Period.End.ToString() }));
        }
        return result;
    }

    /// <summary>The clinics the therapist is rostered at (and <paramref name="extra"/>), who see their roster events.</summary>
    private List<string> RosteredClinics(string? extra = null) =>
        [.. (state.State.Therapist?.Rosters ?? []).Select(r => r.ClinicId).Append(extra).OfType<string>().Distinct()];

    private async Task<Refusal?> CheckClinicsExist(IEnumerable<Roster> rosters)
    {
        foreach (var clinicId in rosters.Select(r => r.ClinicId).Distinct())
        {
            if (Validation.Id("roster.clinic_id", clinicId) is { } bad)
            {
                return bad;
            }
            if (await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinicId)).Get() is null)
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
            await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinicId)).SetRostered(TherapistId, now.Contains(clinicId) || extraShiftThere);
        }
    }

    private Task<Result<Therapist>> Change(Func<Therapist, Therapist> change) => Change(t => Result<Therapist>.Ok(change(t)));

    private async Task<Result<Therapist>> Change(Func<Therapist, Result<Therapist>> change) =>
        Plain(await Change(change, allowStranding: true, checkStranding: false));

    private static Result<Therapist> Plain(Result<RosterChange> result) =>
        result.Refusal is { } refusal ? refusal : Result<Therapist>.Ok(result.Value!.Therapist);

    /// <summary>
    /// Applies a change to the stored therapist: validated as a whole and, when it touches working time, checked for
    /// the booked appointments it would strand; written before the call returns, or refused and nothing changes.
    /// </summary>
    private async Task<Result<RosterChange>> Change(Func<Therapist, Result<Therapist>> change, bool allowStranding, bool checkStranding = true)
    {
        if (state.State.Therapist is not { } current)
        {
            return Refusal.NotFound("therapist_id", $"Therapist {TherapistId} does not exist.");
        }
        var result = change(current);
        if (result.Refusal is { } refused)
        {
            return refused;
        }
        var next = result.Value!;
        if (ConfigValidation.Therapist(next) is { } refusal)
        {
            return refusal;
        }
        IReadOnlyList<AppointmentRecord> stranded = checkStranding ? await Stranded(current, next) : [];
        if (stranded.Count > 0 && !allowStranding)
        {
            return new Refusal(RefusalReason.WouldStrandBookings,
                $"Therapist {TherapistId} has {stranded.Count} booked appointment(s) that this change would leave outside rostered time "
                + $"({string.Join(", ", stranded.Take(10).Select(a => a.Id))}{(stranded.Count > 10 ? ", ..." : "")}); "
                + "ask for them to be covered or cancelled.", "stranded_policy")
            {
                Appointments = [.. stranded.Select(a => a.Id)],
            };
        }
        state.State.Therapist = next;
        await state.WriteStateAsync();
        return Result<RosterChange>.Ok(new RosterChange(next, stranded, []));
    }

    /// <summary>The therapist's appointments from now on that <paramref name="after"/> strands (see <see cref="Stranding.Find"/>).</summary>
    private async Task<IReadOnlyList<AppointmentRecord>> Stranded(Therapist before, Therapist after)
    {
        var now = clock.GetCurrentInstant();
        var appointments = await ledger.ListOccupyingForTherapistAsync(TherapistId, now, Horizon);
        if (appointments.Count == 0)
        {
            return [];
        }
        var clinics = new Dictionary<string, Clinic>(StringComparer.Ordinal);
        foreach (var clinicId in appointments.Select(a => a.ClinicId).Distinct())
        {
            if (await GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinicId)).Get() is { } clinic)
            {
                clinics[clinicId] = clinic;
            }
        }
        return Stranding.Find(before, after, clinics, appointments, now);
    }
}
