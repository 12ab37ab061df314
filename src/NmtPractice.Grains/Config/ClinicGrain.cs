namespace NmtPractice.Grains.Config;

/// <summary>
/// A clinic's configuration. Its time zone is also recorded for the reports' usage tables (the ledger has no zones):
/// on creation, before the clinic exists, and on every activation, so clinics created before reports existed are
/// registered too. The zone never changes afterwards.
/// </summary>
public sealed class ClinicGrain(
    [PersistentState("clinic", StorageNames.Grains)] IPersistentState<ClinicState> state,
    UsageStore usage,
    ILogger<ClinicGrain> logger) : Grain, IClinicGrain
{
    private string ClinicId => GrainKeys.IdOf(this);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Clinic is { } clinic)
        {
            await RegisterZone(clinic, cancellationToken);
        }
    }

    /// <summary>
    /// Records the zone for reports on activation (clinics created before reports existed). A failure does not fail
    /// the clinic: the report grain registers it again before it reads, and registration counts every appointment
    /// the ledger holds by then.
    /// </summary>
    private async Task RegisterZone(Clinic clinic, CancellationToken ct)
    {
        try
        {
            if (await usage.RegisterClinicAsync(clinic.Id, clinic.TimeZoneId, ct))
            {
                logger.LogInformation("Clinic {ClinicId} registered for reports in {Zone}", clinic.Id, clinic.TimeZoneId);
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Could not register clinic {ClinicId}'s zone for reports", clinic.Id);
        }
    }

    async Task<Result<Clinic>> IClinicGrain.Create(Clinic clinic)
    {
        if (clinic.Id != ClinicId)
        {
            return Refusal.Invalid("clinic_id", $"The clinic id '{clinic.Id}' does not match '{ClinicId}'.");
        }
        if (state.State.Clinic is { } existing)
        {
            return new Refusal(RefusalReason.AlreadyExists, $"Clinic {ClinicId} already exists.", "clinic_id");
        }
        if (ConfigValidation.Clinic(clinic) is { } refusal)
        {
            return refusal;
        }
        // The zone is registered for reports before the clinic exists, so no booking can precede it.
        try
        {
            await usage.RegisterClinicAsync(clinic.Id, clinic.TimeZoneId);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.InvalidParameterValue)
        {
            return Refusal.Invalid("time_zone", $"The time zone '{clinic.TimeZoneId}' is not known to the database.");
        }
        state.State.Clinic = clinic;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IChainGrain>(GrainKeys.Chain).RegisterClinic(ClinicId);
        return Result<Clinic>.Ok(clinic);
    }

    Task<Clinic?> IClinicGrain.Get() => Task.FromResult(state.State.Clinic);

    Task<Result<Clinic>> IClinicGrain.UpdateDetails(string name, string address, Duration cancellationWindow) =>
        Change(c => c with { Name = name, Address = address, CancellationWindow = cancellationWindow });

    Task<Result<Clinic>> IClinicGrain.SetOpeningHours(IReadOnlyList<OpeningRange> hours) =>
        Change(c => c with { OpeningHours = [.. hours] });

    /// <summary>Adds a closure; the same closure (dates and reason) twice is one closure, so a retry adds nothing.</summary>
    Task<Result<Clinic>> IClinicGrain.AddClosure(Closure closure) =>
        Change(c => c.Closures.Contains(closure) ? c : c with { Closures = [.. c.Closures, closure] });

    Task<Result<Clinic>> IClinicGrain.RemoveClosure(LocalDate from, LocalDate to) =>
        Change(c => c.Closures.Any(x => x.Dates == new DateRange(from, to))
            ? Result<Clinic>.Ok(c with { Closures = [.. c.Closures.Where(x => x.Dates != new DateRange(from, to))] })
            : Refusal.NotFound("closure", $"Clinic {c.Id} has no closure {from:yyyy-MM-dd}..{to:yyyy-MM-dd}."));

    Task<Result<Clinic>> IClinicGrain.UpsertRoom(Room room) =>
        Change(c => c with { Rooms = [.. c.Rooms.Where(r => r.Id != room.Id), room] });

    Task<Result<Clinic>> IClinicGrain.AddRoomOutOfService(string roomId, OutOfServicePeriod period) =>
        Change(c => c.FindRoom(roomId) is not null
            // The same period twice is one period, so a retry adds nothing.
            ? Result<Clinic>.Ok(c with { Rooms = [.. c.Rooms.Select(r => r.Id == roomId && !r.OutOfService.Contains(period) ? r with { OutOfService = [.. r.OutOfService, period] } : r)] })
            : Refusal.NotFound("room_id", $"Clinic {c.Id} has no room '{roomId}'."));

    Task<Result<Clinic>> IClinicGrain.UpsertService(Service service) =>
        Change(c => c with { Services = [.. c.Services.Where(s => s.Id != service.Id), service] });

    Task<IReadOnlyList<string>> IClinicGrain.RosteredTherapists() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Rostered]);

    async Task IClinicGrain.SetRostered(string therapistId, bool rostered)
    {
        var changed = rostered ? state.State.Rostered.Add(therapistId) : state.State.Rostered.Remove(therapistId);
        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    private Task<Result<Clinic>> Change(Func<Clinic, Clinic> change) => Change(c => Result<Clinic>.Ok(change(c)));

    /// <summary>Applies a change to the stored clinic: validated as a whole, written before the call returns, or refused and nothing changes.</summary>
    private async Task<Result<Clinic>> Change(Func<Clinic, Result<Clinic>> change)
    {
        if (state.State.Clinic is not { } current)
        {
            return Refusal.NotFound("clinic_id", $"Clinic {ClinicId} does not exist.");
        }
        var result = change(current);
        if (result.Refusal is not null)
        {
            return result;
        }
        var next = result.Value!;
        if (ReferenceEquals(next, current))
        {
            return result;
        }
        if (ConfigValidation.Clinic(next) is { } refusal)
        {
            return refusal;
        }
        state.State.Clinic = next;
        await state.WriteStateAsync();
        return Result<Clinic>.Ok(next);
    }
}
