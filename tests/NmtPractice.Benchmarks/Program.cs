using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Grpc.Core;
using NmtPractice.Api.V1;
using NmtPractice.Benchmarks;
using NmtPractice.Persistence;
using NmtPractice.Hosting.LocalPostgres;
using Npgsql;
using NodaTime;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Contains("--outbox"))
{
    var outboxClock = Stopwatch.StartNew();
    using var outboxLoggers = LoggerFactory.Create(b => b.AddSimpleConsole(s => s.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
    using var outboxCts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; outboxCts.Cancel(); };
    return await OutboxBench.RunAsync(args, outboxLoggers, m => Console.WriteLine($"[{outboxClock.Elapsed:mm\\:ss}] {m}"), outboxCts.Token);
}

if (args.Contains("--reports"))
{
    ReportsBenchOptions ro;
    try
    {
        ro = ReportsBenchOptions.Parse(args);
    }
    catch (HelpRequestedException)
    {
        Console.WriteLine(ReportsBenchOptions.Usage);
        return 0;
    }
    catch (Exception e) when (e is ArgumentException or FormatException)
    {
        Console.Error.WriteLine(e.Message);
        Console.Error.WriteLine(ReportsBenchOptions.Usage);
        return 2;
    }
    var reportsClock = Stopwatch.StartNew();
    using var reportsLoggers = LoggerFactory.Create(b => b.AddSimpleConsole(s => s.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
    using var reportsCts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; reportsCts.Cancel(); };
    return await ReportsBench.RunAsync(ro, reportsLoggers, m => Console.WriteLine($"[{reportsClock.Elapsed:mm\\:ss}] {m}"), reportsCts.Token);
}

BenchOptions o;
try
{
    o = BenchOptions.Parse(args);
}
catch (HelpRequestedException)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var clock = Stopwatch.StartNew();
void Log(string message) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {message}");

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(s => s.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;

LocalPostgresCluster? cluster = null;
string? tempRoot = null;
string connectionString;
if (!string.IsNullOrWhiteSpace(o.ConnectionString))
{
    connectionString = o.ConnectionString;
    Log("Using the PostgreSQL server from NMT_BENCH_POSTGRES (its appointments table is wiped)");
}
else
{
    Log("Starting a private PostgreSQL (fsync on, synchronous_commit on)");
    cluster = await LocalPostgresCluster.StartAsync(
        new LocalPostgresOptions
        {
            DataDirectory = Path.Combine(tempRoot = Directory.CreateTempSubdirectory("nmtbench-").FullName, "data"),
            DatabaseName = "nmt_bench",
            KeepData = false,
            Fsync = true,
            SynchronousCommit = true,
            MaxConnections = 200,
            SharedBuffers = "256MB",
        },
        loggerFactory.CreateLogger("postgres"),
        ct);
    connectionString = cluster.ConnectionString;
    var pidFile = Path.Combine(cluster.DataDirectory, "postmaster.pid");
    if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), out var postmaster))
    {
        CpuSample.PostmasterPid = postmaster;
    }
}

try
{
    var csb = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 200, NoResetOnClose = true };
    await using var dataSource = NpgsqlDataSource.Create(csb.ConnectionString);
    await Migrator.ApplyAsync(dataSource, loggerFactory.CreateLogger("migrator"), ct);
    var db = new BenchDatabase(dataSource);
    Log($"{await db.ServerVersionAsync(ct)}; fsync={await db.SettingAsync("fsync", ct)}, synchronous_commit={await db.SettingAsync("synchronous_commit", ct)}");

    await using (var wipe = dataSource.CreateCommand("TRUNCATE appointments, appointment_requests"))
    {
        await wipe.ExecuteNonQueryAsync(ct);
    }

    var chain = new BenchChain(o);
    var today = SystemClock.Instance.GetCurrentInstant().InUtc().Date;
    var workloads = o.Workloads.ToDictionary(w => w, w => new Workload(w, chain, o, today));

    var seedWatch = Stopwatch.StartNew();
    var history = await db.SeedHistoryAsync(chain, o.History, today, m => Log("  " + m), ct);
    Log($"Seeded {history} past appointments into the ledger (COPY + VACUUM ANALYZE) in {seedWatch.Elapsed.TotalSeconds:0.0} s");

    var grainsWanted = o.Variants.Any(VariantNames.IsGrains);
    var grpcWanted = o.Variants.Contains(VariantNames.Grpc);
    if (o.Variants.Any(VariantNames.NeedsGrainChain))
    {
        seedWatch.Restart();
        Log($"Seeding the chain through the grains: {chain.ClinicCount} clinics x {chain.RoomsPerClinic} rooms, {chain.Therapists.Count} therapists, {chain.ClientCount} clients");
        await using var silo = await GrainSilo.StartAsync(connectionString, tracing: false, ct);
        await chain.SeedGrainsAsync(silo.Grains, o.SeedParallelism, m => Log("  " + m), ct);
        Log($"Seeded the configuration in {seedWatch.Elapsed.TotalSeconds:0.0} s");
    }

    if (o.SoakMinutes > 0)
    {
        await db.ResetAsync(ct);
        await using var soakSilo = await GrainSilo.StartAsync(connectionString, tracing: false, ct);
        await soakSilo.WarmConfigAsync(chain, o.WarmClients, ct);
        var soakCode = await Soak.RunAsync(
            soakSilo, db, workloads["natural"], o.ConcurrencyFor(VariantNames.Grains, 0), TimeSpan.FromMinutes(o.SoakMinutes), o.Seed, Log, ct);
        Log("Done");
        return soakCode;
    }

    using var profiler = o.Profile ? new Profiler() : null;
    var results = new List<(string Workload, int Level, string Variant, int Concurrency, List<RunResult> Runs)>();
    var profiles = new List<string>();
    var memory = new List<SiloMemory>();

    foreach (var workloadName in o.Workloads)
    {
        var workload = workloads[workloadName];
        for (var level = 0; level < o.Connections.Count; level++)
        {
            // The front desk searches before it books: only the variants that have a search (grains, gRPC) run it.
            var entries = o.Variants
                .Where(v => workloadName != Workload.FrontDesk || v is VariantNames.Grains or VariantNames.Grpc)
                .Select(v => (workloadName, level, v, o.ConcurrencyFor(v, level), new List<RunResult>())).ToList();
            results.AddRange(entries);
            for (var run = 0; run < o.Runs; run++)
            {
                foreach (var (_, _, variant, concurrency, runs) in entries)
                {
                    await db.ResetAsync(ct);
                    var result = await RunOneAsync(variant, workload, concurrency, run);
                    runs.Add(result);
                    var booked = await db.CountAsync($"request_id NOT LIKE '{BenchDatabase.HistoryPrefix}%' AND status IN ('pending', 'booked', 'arrived')", ct);
                    Log($"  {workloadName,-7} {variant,-12} c={concurrency,-3} run {run + 1}/{o.Runs}: {result.AttemptsPerSecond,8:0} attempts/s {result.BookingsPerSecond,8:0} bookings/s  p50 {result.P50Ms,6:0.0} p95 {result.P95Ms,6:0.0} p99 {result.P99Ms,6:0.0} ms  cpu: bench {result.ProcessCores:0.00} pg {result.PostgresCores:0.00} cores, machine {result.MachineBusy:P0}, load {result.LoadAverage:0.0}  overlaps {result.Overlaps}, active rows {booked}");
                }
            }
        }
    }

    var searches = new List<SearchResult>();
    if (grainsWanted && !o.SkipSearch && o.SearchQueries > 0)
    {
        await db.ResetAsync(ct);
        searches.Add(await SearchAsync());
    }
    if (grpcWanted && !o.SkipSearch && o.SearchQueries > 0)
    {
        await db.ResetAsync(ct);
        searches.Add(await SearchGrpcAsync());
    }

    Console.WriteLine();
    Console.WriteLine(Report.Table(results, o));
    foreach (var search in searches)
    {
        Console.WriteLine(search.ToMarkdown());
    }
    if (memory.Count > 0)
    {
        Console.WriteLine(SiloMemory.ToMarkdown(memory));
    }
    Console.WriteLine(Targets.Evaluate(results, searches, memory));
    foreach (var p in profiles)
    {
        Console.WriteLine(p);
    }
    Log("Done");
    return 0;

    async Task<RunResult> RunOneAsync(string variant, Workload workload, int concurrency, int run)
    {
        var warmup = TimeSpan.FromSeconds(o.WarmupSeconds);
        var measure = TimeSpan.FromSeconds(o.Seconds);
        switch (variant)
        {
            case VariantNames.Sql:
            {
                await using var driver = await SqlDriver.CreateAsync(dataSource, concurrency, ct);
                var r = await Runner.RunAsync(driver, workload, concurrency, run, warmup, measure, Log, ct);
                return r with { Overlaps = await db.CountOverlapsAsync(ct) };
            }
            case VariantNames.SqlFn:
            {
                await using var driver = await SqlFunctionDriver.CreateAsync(dataSource, concurrency, ct);
                var r = await Runner.RunAsync(driver, workload, concurrency, run, warmup, measure, Log, ct);
                return r with { Overlaps = await db.CountOverlapsAsync(ct) };
            }
            case VariantNames.SqlAdvisory:
            {
                await using var driver = await SqlAdvisoryDriver.CreateAsync(dataSource, concurrency, ct);
                var r = await Runner.RunAsync(driver, workload, concurrency, run, warmup, measure, Log, ct);
                return r with { Overlaps = await db.CountOverlapsAsync(ct) };
            }
            case VariantNames.Grains or VariantNames.GrainsKeys:
            {
                await using var silo = await GrainSilo.StartAsync(connectionString, tracing: profiler is not null, ct);
                await silo.WarmConfigAsync(chain, o.WarmClients, ct);
                await using IBookingDriver driver = workload.Name == Workload.FrontDesk
                    ? new GrainFrontDeskDriver(silo.Grains)
                    : new GrainDriver(silo.Grains, variant == VariantNames.GrainsKeys ? concurrency : o.GrainKeys);
                profiler?.Stop();
                var r = await RunWithProfileAsync(driver, workload, concurrency, run, warmup, measure, $"{workload.Name} {variant} c={concurrency} run {run + 1}");
                return r with { Overlaps = await db.CountOverlapsAsync(ct) };
            }
            case VariantNames.Grpc:
            {
                // A fresh server per run, like the grain variant's fresh silo: the calendars must not remember the previous run.
                await using var gateway = await GrpcGateway.StartAsync(connectionString, ct);
                await GrainSilo.WarmConfigAsync(gateway.Grains, chain, o.WarmClients, ct);
                var before = workload.Name == Workload.Natural && run == 0 ? await SiloMemory.MeasureAsync(gateway.Grains, "before", ct) : null;
                await using IBookingDriver driver = workload.Name == Workload.FrontDesk
                    ? new GrpcFrontDeskDriver(gateway.Bookings)
                    : new GrpcDriver(gateway.Bookings);
                var r = await Runner.RunAsync(driver, workload, concurrency, run, warmup, measure, Log, ct);
                if (before is not null)
                {
                    memory.Add(await SiloMemory.MeasureAsync(gateway.Grains, $"after natural grpc c={concurrency}", ct) with { Baseline = before });
                }
                return r with { Overlaps = await db.CountOverlapsAsync(ct) };
            }
            default:
                throw new InvalidOperationException($"No driver for variant {variant}.");
        }
    }

    async Task<RunResult> RunWithProfileAsync(IBookingDriver driver, Workload workload, int concurrency, int run, TimeSpan warmup, TimeSpan measure, string title)
    {
        if (profiler is null)
        {
            return await Runner.RunAsync(driver, workload, concurrency, run, warmup, measure, Log, ct);
        }
        // Warm up unprofiled, then profile the measured part only.
        await Runner.RunAsync(driver, workload, concurrency, run + 1000, warmup, TimeSpan.FromMilliseconds(1), Log, ct);
        profiler.Start();
        var r = await Runner.RunAsync(driver, workload, concurrency, run, TimeSpan.Zero, measure, Log, ct);
        profiler.Stop();
        profiles.Add($"Profile: {title} ({r.Attempts} attempts, {r.Bookings} bookings)\n{profiler.Report(r.Attempts)}");
        return r;
    }

    List<AvailabilityRequest> SearchWindows(Workload natural)
    {
        var rnd = new Random(o.Seed);
        return Enumerable.Range(0, 20).Select(_ =>
        {
            var from = natural.WindowStart.PlusDays(rnd.Next(Math.Max(1, o.WindowDays - 14)));
            return new AvailabilityRequest(BenchChain.ClinicId(rnd.Next(chain.ClinicCount)), "nmt-60", from, from.PlusDays(13));
        }).ToList();
    }

    async Task<SearchResult> SearchGrpcAsync()
    {
        const int pageSize = 500;
        Log($"Availability search through gRPC: filling the calendars with {Math.Min(o.Seconds, 10)} s of natural bookings over gRPC, then {o.SearchQueries} warm 14-day searches");
        await using var gateway = await GrpcGateway.StartAsync(connectionString, ct);
        await GrainSilo.WarmConfigAsync(gateway.Grains, chain, o.WarmClients, ct);
        var natural = workloads.GetValueOrDefault("natural") ?? new Workload("natural", chain, o, today);
        await using (var driver = new GrpcDriver(gateway.Bookings))
        {
            var fill = await Runner.RunAsync(driver, natural, o.Connections.Max(), 99, TimeSpan.Zero, TimeSpan.FromSeconds(Math.Min(o.Seconds, 10)), Log, ct);
            Log($"  filled with {fill.Bookings} bookings");
        }
        var queries = SearchWindows(natural).Select(q => new SearchAvailabilityRequest
        {
            ClinicId = q.ClinicId,
            ServiceId = q.ServiceId,
            FromDate = q.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ToDate = q.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            PageSize = pageSize,
        }).ToList();
        var client = gateway.Bookings;
        var cold = new List<double>();
        long slots = 0;
        foreach (var q in queries)
        {
            var t0 = Stopwatch.GetTimestamp();
            SearchAvailabilityResponse response;
            try
            {
                response = await client.SearchAvailabilityAsync(q, cancellationToken: ct);
            }
            catch (RpcException e)
            {
                throw new InvalidOperationException($"Search refused: {e.StatusCode} {GrpcDriver.Reason(e)} {e.Status.Detail}", e);
            }
            cold.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            slots += response.Slots.Count;
        }
        var rnd = new Random(o.Seed);
        var warm = new double[o.SearchQueries];
        for (var i = 0; i < warm.Length; i++)
        {
            var q = queries[rnd.Next(queries.Count)];
            var t0 = Stopwatch.GetTimestamp();
            await client.SearchAvailabilityAsync(q, cancellationToken: ct);
            warm[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(warm);
        cold.Sort();
        return new SearchResult(
            $"BookingService.SearchAvailability over gRPC (HTTP/2 on 127.0.0.1, in-process server), 14 days, one clinic, any therapist, nmt-60, page_size {pageSize}; ~{slots / queries.Count} slots on the first page",
            queries.Count, cold.ToArray(), warm, ThroughGrpc: true);
    }

    async Task<SearchResult> SearchAsync()
    {
        Log($"Availability search: filling the calendars with {Math.Min(o.Seconds, 10)} s of natural bookings, then {o.SearchQueries} warm 14-day searches");
        await using var silo = await GrainSilo.StartAsync(connectionString, tracing: false, ct);
        await silo.WarmConfigAsync(chain, o.WarmClients, ct);
        var natural = workloads.GetValueOrDefault("natural") ?? new Workload("natural", chain, o, today);
        await using (var driver = new GrainDriver(silo.Grains, o.GrainKeys))
        {
            var fill = await Runner.RunAsync(driver, natural, o.Connections.Max(), 99, TimeSpan.Zero, TimeSpan.FromSeconds(Math.Min(o.Seconds, 10)), Log, ct);
            Log($"  filled with {fill.Bookings} bookings");
        }
        var queries = SearchWindows(natural);
        var rnd = new Random(o.Seed);
        var booking = silo.Grains.GetGrain<IBookingGrain>(0);
        var cold = new List<double>();
        long slots = 0;
        foreach (var q in queries)
        {
            var t0 = Stopwatch.GetTimestamp();
            var result = await booking.SearchAvailability(q);
            cold.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (!result.IsOk)
            {
                throw new InvalidOperationException($"Search refused: {result.Refusal!.Code} {result.Refusal.Message}");
            }
            slots += result.Value!.Count;
        }
        var warm = new double[o.SearchQueries];
        for (var i = 0; i < warm.Length; i++)
        {
            var q = queries[rnd.Next(queries.Count)];
            var t0 = Stopwatch.GetTimestamp();
            await booking.SearchAvailability(q);
            warm[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(warm);
        cold.Sort();
        return new SearchResult(
            $"IBookingGrain.SearchAvailability in-process (grains silo), 14 days, one clinic, any therapist, nmt-60; ~{slots / queries.Count} slots per answer",
            queries.Count, cold.ToArray(), warm);
    }
}
finally
{
    if (cluster is not null)
    {
        await cluster.DisposeAsync();
    }
    if (tempRoot is not null && Directory.Exists(tempRoot))
    {
        Directory.Delete(tempRoot, recursive: true);
    }
}

namespace NmtPractice.Benchmarks
{
    public sealed record SearchResult(string Title, int Windows, double[] ColdMs, double[] WarmMs, bool ThroughGrpc = false)
    {
        public string ToMarkdown()
        {
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Availability search ({Title}):");
            sb.AppendLine();
            sb.AppendLine("| phase | queries | p50 ms | p95 ms | p99 ms | max ms |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|");
            sb.AppendLine(CultureInfo.InvariantCulture, $"| cold (first query of each of {Windows} windows) | {ColdMs.Length} | {Runner.Percentile(ColdMs, .5):0.0} | {Runner.Percentile(ColdMs, .95):0.0} | {Runner.Percentile(ColdMs, .99):0.0} | {ColdMs[^1]:0.0} |");
            sb.AppendLine(CultureInfo.InvariantCulture, $"| warm (grains active) | {WarmMs.Length} | {Runner.Percentile(WarmMs, .5):0.00} | {Runner.Percentile(WarmMs, .95):0.00} | {Runner.Percentile(WarmMs, .99):0.00} | {WarmMs[^1]:0.0} |");
            return sb.ToString();
        }
    }
}
