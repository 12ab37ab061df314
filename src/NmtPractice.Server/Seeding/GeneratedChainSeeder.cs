using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NmtPractice.Domain;
using NmtPractice.Domain.Scheduling;
using Npgsql;
using Orleans;

namespace NmtPractice.Server.Seeding;

/// <summary>
/// Seeds a large chain into a running silo's cluster: the configuration (clinics, travel times, therapists, clients)
/// through the real grains, with bounded parallelism, so that the system is fully usable afterwards; then the
/// appointments by binary COPY straight into the ledger (see <see cref="AppointmentGenerator"/> and
/// <see cref="LedgerBulkLoader"/>). Existing configuration is kept (AlreadyExists is fine); earlier seeded
/// appointments are replaced. Run it on a quiet system: the ledger is locked while the appointments load.
/// </summary>
public static class GeneratedChainSeeder
{
    public static async Task<SeedSummary> RunAsync(
        IServiceProvider services, string connectionString, SeedOptions options, TextWriter output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var grains = services.GetRequiredService<IGrainFactory>();
        var clock = services.GetService<IClock>() ?? SystemClock.Instance;
        var now = clock.GetCurrentInstant();
        var today = now.InUtc().Date;
        var first = today.PlusDays(options.FutureDays - options.Days);
        var last = today.PlusDays(options.FutureDays - 1);
        var chain = new GeneratedChain(options, first, last);
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct };
        var phases = new List<SeedPhase>();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeding {options.Clinics} clinics x {options.RoomsPerClinic} rooms, {options.Therapists} therapists, {options.Clients:N0} clients, {options.Appointments:N0} appointments over {first:yyyy-MM-dd}..{last:yyyy-MM-dd} (seed {options.Seed})"));

        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(chain.Clinics, parallel, async (clinic, _) =>
            Check(await grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinic.Id)).Create(clinic), clinic.Id));
        Check(await grains.GetGrain<IChainGrain>(GrainKeys.Chain).SetTravel(chain.Travel), "travel times");
        phases.Add(new SeedPhase("clinics", chain.Clinics.Length, watch.Elapsed));

        phases.Add(await RegisterAsync("therapists", chain.Therapists.Length, async t =>
            Check(await grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(chain.Therapists[t].Id)).Create(chain.Therapists[t]), chain.Therapists[t].Id)));
        phases.Add(await RegisterAsync("clients", options.Clients, async k =>
        {
            var client = chain.Client(k);
            Check(await grains.GetGrain<IClientGrain>(GrainKeys.Client(client.Id)).Register(client), client.Id);
        }));

        var generator = new AppointmentGenerator(chain, now);
        watch.Restart();
        var capacity = generator.Capacity;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  room and roster capacity over the period: {capacity:N0} sessions; filling {(double)options.Appointments / Math.Max(1, capacity):P0} of it"));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var progress = new ProgressLine(output, "appointments (COPY)", options.Appointments, interactive);
        var load = await LedgerBulkLoader.LoadAsync(dataSource, chain.Clinics.Select(c => (c.Id, c.TimeZoneId)).ToArray(), generator.Generate(), progress.Report, ct);
        progress.Complete(load.Rows);
        if (load.Replaced > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  replaced {load.Replaced:N0} appointments of an earlier seed"));
        }
        output.WriteLine(load.UsageRebuilt
            ? string.Create(CultureInfo.InvariantCulture, $"  report usage rebuilt from the ledger in {load.RebuildTime.TotalSeconds:0.0} s")
            : "  (no report usage to rebuild in this database)");
        phases.Add(new SeedPhase("appointments (generate + COPY)", load.Rows, load.CopyTime));
        phases.Add(new SeedPhase("capacity, usage rebuild, VACUUM ANALYZE", load.Rows, watch.Elapsed - load.CopyTime));

        var summary = new SeedSummary(phases, load.Rows, capacity, first, last);
        output.WriteLine();
        output.WriteLine("| phase | rows | seconds | rows/s |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var p in phases)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {p.Name} | {p.Rows:N0} | {p.Elapsed.TotalSeconds:0.0} | {p.RowsPerSecond:N0} |"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| total | | {summary.Total.TotalSeconds:0.0} | |"));
        return summary;

        async Task<SeedPhase> RegisterAsync(string name, int count, Func<int, Task> register)
        {
            var line = new ProgressLine(output, name, count, interactive);
            long done = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, _) =>
            {
                await register(i);
                line.Report(Interlocked.Increment(ref done));
            });
            line.Complete(done);
            return new SeedPhase(name, count, line.Elapsed);
        }
    }

    private static void Check<T>(Result<T> result, string what)
    {
        if (result.Refusal is { Reason: not RefusalReason.AlreadyExists } refusal)
        {
            throw new InvalidOperationException($"Seeding {what} was refused: {refusal.Code} {refusal.Message}");
        }
    }
}
