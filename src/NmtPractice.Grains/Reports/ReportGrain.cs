using System.Collections.Concurrent;

namespace NmtPractice.Grains.Reports;

/// <summary>
/// Reports: usage from the ledger's incrementally maintained tables (<see cref="UsageStore"/>) combined with the
/// configuration of the config grains (<see cref="UtilisationReports"/>). Stateless and reentrant; any silo serves it.
/// Definitions: docs/reports.md.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class ReportGrain(UsageStore usage) : Grain, IReportGrain
{
    /// <summary>Clinic zones this silo has registered with the usage tables (clinic id to zone).</summary>
    private static readonly ConcurrentDictionary<string, string> Registered = new(StringComparer.Ordinal);

    Task<Result<RoomUtilisationReport>> IReportGrain.RoomUtilisation(ReportQuery query) =>
        InScope(query, async clinics =>
        {
            var days = await usage.RoomDaysAsync(Ids(clinics), query.From, query.To);
            var result = UtilisationReports.RoomUtilisation(clinics, days, query.From, query.To, query.Bucket);
            return new RoomUtilisationReport(query, result.Rooms, result.Clinics, result.Chain);
        });

    Task<Result<TherapistUtilisationReport>> IReportGrain.TherapistUtilisation(ReportQuery query) =>
        InScope(query, async clinics =>
        {
            var days = await usage.TherapistDaysAsync(Ids(clinics), query.From, query.To);
            var therapists = await Therapists(clinics, days.Select(d => d.TherapistId));
            return new TherapistUtilisationReport(query, UtilisationReports.TherapistUtilisation(clinics, therapists, days, query.From, query.To, query.Bucket));
        });

    Task<Result<ClinicSummary>> IReportGrain.ClinicSummary(string clinicId, LocalDate from, LocalDate to) =>
        InScope(new ReportQuery([clinicId ?? ""], from, to), async clinics =>
        {
            string[] ids = [clinics[0].Id];
            var statuses = await usage.StatusCountsAsync(ids, from, to);
            var clients = await usage.ClientCountsAsync(ids, from, to);
            return Summary(clinics[0], from, to, statuses, clients);
        }, single: true);

    Task<Result<OccupancyHeatmap>> IReportGrain.Heatmap(string clinicId, LocalDate from, LocalDate to) =>
        InScope(new ReportQuery([clinicId ?? ""], from, to), async clinics =>
        {
            var clinic = clinics[0];
            var hours = await usage.ClinicHoursAsync([clinic.Id], from, to);
            return new OccupancyHeatmap(clinic.Id, from, to, UtilisationReports.Heatmap(clinic, hours, from, to), clinic.Name, clinic.TimeZoneId);
        }, single: true);

    Task<Result<IReadOnlyList<ChainComparisonRow>>> IReportGrain.ChainComparison(LocalDate from, LocalDate to) =>
        InScope(new ReportQuery([], from, to), clinics => Compare(clinics, from, to));

    /// <summary>Every clinic side by side: room and therapist utilisation over the whole period, and the summary.</summary>
    private async Task<IReadOnlyList<ChainComparisonRow>> Compare(IReadOnlyList<Clinic> clinics, LocalDate from, LocalDate to)
    {
        var ids = Ids(clinics);
        var roomDays = usage.RoomDaysAsync(ids, from, to);
        var therapistDays = usage.TherapistDaysAsync(ids, from, to);
        var statuses = usage.StatusCountsAsync(ids, from, to);
        var clients = usage.ClientCountsAsync(ids, from, to);
        await Task.WhenAll(roomDays, therapistDays, statuses, clients);

        var rooms = UtilisationReports.RoomUtilisation(clinics, await roomDays, from, to, ReportBucket.Day);
        var therapists = await Therapists(clinics, (await therapistDays).Select(d => d.TherapistId));
        var staff = UtilisationReports.TherapistUtilisation(clinics, therapists, await therapistDays, from, to, ReportBucket.Day);
        var rows = new List<ChainComparisonRow>(clinics.Count);
        foreach (var clinic in clinics.OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            var days = rooms.Clinics.Where(r => r.ClinicId == clinic.Id).ToList();
            var total = new RoomUtilisationFigures(clinic.Id, null, from, days.Sum(d => d.OpenMinutes), days.Sum(d => d.TreatmentMinutes),
                days.Sum(d => d.TurnoverMinutes), days.Sum(d => d.Appointments));
            var mine = staff.Where(s => s.ClinicId == clinic.Id).ToList();
            rows.Add(new ChainComparisonRow(clinic.Id, clinic.Name, total, mine.Sum(s => s.RosteredMinutes), mine.Sum(s => s.BookedMinutes),
                Summary(clinic, from, to, (await statuses).Where(s => s.ClinicId == clinic.Id), (await clients).Where(c => c.ClinicId == clinic.Id))));
        }
        return rows;
    }

    async Task<Result<IReadOnlyList<string>>> IReportGrain.Clinics(IReadOnlyList<string> clinicIds)
    {
        var clinics = await LoadClinics(clinicIds ?? [], "clinic_ids");
        if (clinics.Refusal is not null)
        {
            return clinics.Refusal;
        }
        IReadOnlyList<string> ids = clinicIds is { Count: > 0 } ? Ids(clinics.Value!) : [.. Ids(clinics.Value!).Order(StringComparer.Ordinal)];
        return Result<IReadOnlyList<string>>.Ok(ids);
    }

    /// <summary>The report <paramref name="compute"/> makes of the query's clinics, or why the query is refused (<see cref="Scope"/>).</summary>
    private async Task<Result<T>> InScope<T>(ReportQuery query, Func<IReadOnlyList<Clinic>, Task<T>> compute, bool single = false)
    {
        var scope = await Scope(query, single);
        return scope.Refusal is { } refusal ? refusal : Result<T>.Ok(await compute(scope.Value!));
    }

    /// <summary>
    /// Checks the query and loads its clinics (every clinic of the chain when none are named), making sure each is
    /// registered with the usage tables. Refusals: a bad period or bucket (InvalidArgument), an unknown clinic (NotFound).
    /// </summary>
    private async Task<Result<IReadOnlyList<Clinic>>> Scope(ReportQuery query, bool single = false)
    {
        if (query is null)
        {
            return Refusal.Invalid("query", "A report query is required.");
        }
        if (ReportPeriod.Check(query.From, query.To) is { } bad)
        {
            return bad;
        }
        if (!Enum.IsDefined(query.Bucket))
        {
            return Refusal.Invalid("bucket", $"Unknown bucket {(int)query.Bucket}: day, week or month.");
        }
        var clinics = await LoadClinics(query.ClinicIds ?? [], single ? "clinic_id" : "clinic_ids");
        if (clinics.Refusal is not null)
        {
            return clinics;
        }
        foreach (var clinic in clinics.Value!)
        {
            if (!Registered.TryGetValue(clinic.Id, out var zone) || zone != clinic.TimeZoneId)
            {
                await usage.RegisterClinicAsync(clinic.Id, clinic.TimeZoneId);
                Registered[clinic.Id] = clinic.TimeZoneId;
            }
        }
        return clinics;
    }

    /// <summary>
    /// The one check of a report's clinics: each id well formed and a clinic of the chain (all of them when none are
    /// named; duplicates dropped, order kept). An unknown clinic is refused on <paramref name="field"/>, with its id as the value.
    /// </summary>
    private async Task<Result<IReadOnlyList<Clinic>>> LoadClinics(IReadOnlyList<string> clinicIds, string field)
    {
        var ids = clinicIds.Count > 0
            ? clinicIds.Distinct(StringComparer.Ordinal).ToList()
            : [.. await GrainFactory.GetGrain<IChainGrain>(GrainKeys.Chain).ListClinics()];
        foreach (var id in ids)
        {
            if (Validation.Id(field, id) is { } invalid)
            {
                return invalid;
            }
        }
        var loaded = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(id)).Get()));
        var clinics = new List<Clinic>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            if (loaded[i] is not { } clinic)
            {
                return Refusal.NotFound(field, $"Clinic {ids[i]} does not exist.") with { Value = ids[i] };
            }
            clinics.Add(clinic);
        }
        return Result<IReadOnlyList<Clinic>>.Ok(clinics);
    }

    /// <summary>Therapists rostered at the clinics, plus any found in the usage (booked there without a roster now).</summary>
    private async Task<IReadOnlyList<Therapist>> Therapists(IEnumerable<Clinic> clinics, IEnumerable<string> booked)
    {
        var rostered = await Task.WhenAll(clinics.Select(c => GrainFactory.GetGrain<IClinicGrain>(GrainKeys.Clinic(c.Id)).RosteredTherapists()));
        var ids = rostered.SelectMany(r => r).Concat(booked).Distinct(StringComparer.Ordinal).ToList();
        var therapists = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<ITherapistGrain>(GrainKeys.Therapist(id)).Get()));
        return [.. therapists.OfType<Therapist>()];
    }

    private static ClinicSummary Summary(
        Clinic clinic, LocalDate from, LocalDate to, IEnumerable<StatusFigures> statuses, IEnumerable<ClientFigures> clients)
    {
        var s = UtilisationReports.Summary(clinic, statuses);
        var c = clients.FirstOrDefault(x => x.ClinicId == clinic.Id);
        return new ClinicSummary(clinic.Id, from, to, s.Pending, s.Booked, s.Arrived, s.Fulfilled, s.CancelledInTime, s.CancelledLate,
            s.NoShows, c?.UniqueClients ?? 0, c?.NewClients ?? 0, s.RevenueMinor);
    }

    private static string[] Ids(IEnumerable<Clinic> clinics) => [.. clinics.Select(c => c.Id)];
}
