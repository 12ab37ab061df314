using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using NmtPractice.Domain.Appointments;
using NmtPractice.Domain.Clinics;
using NmtPractice.Domain.Reports;
using NmtPractice.Persistence;
using NmtPractice.Hosting.LocalPostgres;
using NmtPractice.Persistence.Reports;
using NmtPractice.Server;
using NmtPractice.Server.Seeding;
using NmtPractice.Testing;
using Npgsql;
using NodaTime;
using Orleans;

namespace NmtPractice.Benchmarks;

/// <summary>Options of the reports benchmark (<c>--reports</c>).</summary>
public sealed class ReportsBenchOptions
{
    public SeedOptions Seed { get; set; } = new();
    public string? DataDirectory { get; set; }
    public string? ConnectionString { get; set; } = Environment.GetEnvironmentVariable("NMT_BENCH_POSTGRES");
    public bool Reseed { get; set; }
    public int MonthQueries { get; set; } = 200;
    public int QuarterQueries { get; set; } = 30;
    public int Checks { get; set; } = 5;
    public int BookingRate { get; set; } = 50;
    public int BookingCallers { get; set; } = 4;

    public const string Usage = """
        NmtPractice reports benchmark: room usage per room and day, from the incrementally maintained usage tables vs the
        best plain query over the raw ledger, side by side and interleaved, while a background load books and cancels.

        dotnet run -c Release --project tests/NmtPractice.Benchmarks -- --reports [options]

          --data-dir DIR          the embedded PostgreSQL of `NmtPractice.Server seed --data-dir DIR` (kept; seeded
                                  here first if it holds fewer seeded appointments than asked for)
          (or NMT_BENCH_POSTGRES=<connection string>; otherwise a private temporary PostgreSQL, seeded here)
          --appointments N        seeded appointments (default 1000000); --clinics, --rooms, --therapists, --clients,
                                  --days, --future-days, --seed as for the seed command (defaults 50/10/500/100000/365/91/42)
          --reseed                seed again even if the database holds the seeded appointments
          --month-queries N       one clinic's month: measured queries per path (default 200)
          --quarter-queries N     all clinics' quarter: measured queries per path (default 30)
          --checks N              exactness checks spread over the run, the load paused for each (default 5)
          --booking-rate N        background bookings attempted per second, 0 for none (default 50)
          --booking-callers N     concurrent background writers (default 4)
          --quick                 60 month and 8 quarter queries, 3 checks
        """;

    public static ReportsBenchOptions Parse(string[] args)
    {
        var o = new ReportsBenchOptions();
        var (seed, rest) = SeedOptions.Parse(args);
        o.Seed = seed;
        for (var i = 0; i < rest.Length; i++)
        {
            var name = rest[i];
            string Next() => i + 1 < rest.Length ? rest[++i] : throw new ArgumentException($"{name} needs a value.");
            int NextInt(int min) => int.Parse(Next(), CultureInfo.InvariantCulture) is var v && v >= min ? v : throw new ArgumentException($"{name} must be at least {min}.");
            switch (name)
            {
                case "--reports": break;
                case "--data-dir": o.DataDirectory = Next(); break;
                case "--reseed": o.Reseed = true; break;
                case "--month-queries": o.MonthQueries = NextInt(1); break;
                case "--quarter-queries": o.QuarterQueries = NextInt(1); break;
                case "--checks": o.Checks = NextInt(1); break;
                case "--booking-rate": o.BookingRate = NextInt(0); break;
                case "--booking-callers": o.BookingCallers = NextInt(1); break;
                case "--quick": o.MonthQueries = 60; o.QuarterQueries = 8; o.Checks = 3; break;
                case "--help" or "-h": throw new HelpRequestedException();
                default: throw new ArgumentException($"Unknown option {name} for --reports (try --reports --help).");
            }
        }
        return o;
    }
}

/// <summary>
/// The reports benchmark. Cases: (a) one clinic's current month, a random clinic per query; (b) every clinic's current
/// quarter; (c) every clinic's quarter by month through the report path. Paths, interleaved in alternating order:
/// <c>plain</c> = PlainReportQueries.RoomDaysAsync (the raw ledger, aggregated per room and day first);
/// <c>plain-grid</c> = <see cref="GridReportQuery"/> (the same aggregate in a subquery, joined to the room-day grid);
/// ratios are against the better of the two; <c>usage</c> = UsageStore.RoomDaysAsync (aggregates plus pending deltas);
/// <c>grain</c> = IReportGrain.RoomUtilisation (usage plus the domain composition: open minutes from the clinics'
/// configuration, per room, clinic and chain). A background load books and cancels through the ledger meanwhile
/// (the same commit function the booking grains use; the usage trigger fires), and the silo's compactor folds deltas.
/// Exactness: with the load paused, usage and plain must return identical rows.
/// </summary>
public static class ReportsBench
{
    private const string QuarterByMonth = "all clinics, quarter by month";

    public static async Task<int> RunAsync(ReportsBenchOptions o, ILoggerFactory loggers, Action<string> log, CancellationToken ct)
    {
        LocalPostgresCluster? cluster = null;
        string? tempRoot = null;
        try
        {
            string connectionString;
            if (o.DataDirectory is { } dir)
            {
                var full = Path.GetFullPath(dir);
                log($"Starting the embedded PostgreSQL in {full} (kept)");
                cluster = await LocalPostgresCluster.StartAsync(
                    new LocalPostgresOptions { DataDirectory = Path.Combine(full, "postgres"), DatabaseName = "nmt", KeepData = true, SharedBuffers = "256MB" },
                    loggers.CreateLogger("postgres"), ct);
                connectionString = cluster.ConnectionString;
            }
            else if (!string.IsNullOrWhiteSpace(o.ConnectionString))
            {
                connectionString = o.ConnectionString;
                log("Using the PostgreSQL server from NMT_BENCH_POSTGRES");
            }
            else
            {
                log("Starting a private temporary PostgreSQL");
                cluster = await LocalPostgresCluster.StartAsync(
                    new LocalPostgresOptions
                    {
                        DataDirectory = Path.Combine(tempRoot = Directory.CreateTempSubdirectory("nmtreports-").FullName, "data"),
                        DatabaseName = "nmt", KeepData = false, SharedBuffers = "256MB",
                    },
                    loggers.CreateLogger("postgres"), ct);
                connectionString = cluster.ConnectionString;
            }

            var csb = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 50 };
            await using var dataSource = NpgsqlDataSource.Create(csb.ConnectionString);
            await Migrator.ApplyAsync(dataSource, loggers.CreateLogger("migrator"), ct);
            var seeded = await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM appointments WHERE request_id LIKE '{AppointmentGenerator.RequestIdPrefix}%'", ct);
            if (o.Reseed || seeded != o.Seed.Appointments)
            {
                log($"Seeding (the database holds {seeded:N0} seeded appointments, {o.Seed.Appointments:N0} wanted)");
                await using var server = await NmtServer.StartAsync(
                [
                    "--ConnectionStrings:Nmt=" + connectionString, "--urls=http://127.0.0.1:0", "--Nmt:SiloPort=0", "--Nmt:GatewayPort=0",
                    "--Nmt:ClusterId=nmt-bench-seed", "--Logging:LogLevel:Default=Warning",
                    // A cluster-mode server refuses to start without token validation; the seeding makes no RPC.
                    "--Nmt:Auth:SigningKey=" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(NmtPractice.Tokens.NmtTokens.MinKeyBytes)),
                ], ct: ct);
                await GeneratedChainSeeder.RunAsync(server.Services, server.ConnectionString, o.Seed, Console.Out, ct);
            }
            return await MeasureAsync(o, connectionString, dataSource, log, ct);
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
    }

    private static async Task<int> MeasureAsync(ReportsBenchOptions o, string connectionString, NpgsqlDataSource dataSource, Action<string> log, CancellationToken ct)
    {
        var usage = new UsageStore(dataSource);
        var plainQueries = new PlainReportQueries(dataSource);
        var gridQueries = new GridReportQuery(dataSource);
        var total = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM appointments", ct);
        var rooms = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM (SELECT DISTINCT clinic_id, room_id FROM appointments) r", ct);
        var zones = await ListAsync(dataSource, "SELECT clinic_id, time_zone FROM report_clinics ORDER BY clinic_id", r => (Id: r.GetString(0), Zone: r.GetString(1)), ct);
        var clinicIds = zones.Select(z => z.Id).ToArray();
        var today = SystemClock.Instance.GetCurrentInstant().InUtc().Date;
        var month = (From: new LocalDate(today.Year, today.Month, 1), To: new LocalDate(today.Year, today.Month, 1).PlusMonths(1).PlusDays(-1));
        var quarterStart = new LocalDate(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
        var quarter = (From: quarterStart, To: quarterStart.PlusMonths(3).PlusDays(-1));
        log($"Ledger: {total:N0} appointments, {rooms} rooms in {clinicIds.Length} clinics; month {month.From:yyyy-MM-dd}..{month.To:yyyy-MM-dd}, quarter {quarter.From:yyyy-MM-dd}..{quarter.To:yyyy-MM-dd}");

        // The server's service id: grain state (the seeded clinics) is stored per service id.
        await using var silo = await GrainSilo.StartAsync(connectionString, tracing: false, ct, new NmtOptions().ServiceId);
        var reports = silo.Grains.GetGrain<IReportGrain>(0);
        var clinics = (await Task.WhenAll(clinicIds.Select(id => silo.Grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(id)).Get()))).OfType<Clinic>().ToArray();
        if (clinics.Length != clinicIds.Length)
        {
            throw new InvalidOperationException($"Only {clinics.Length} of the {clinicIds.Length} clinics in report_clinics are in grain storage (seeded under another service id?).");
        }

        await using var load = await BackgroundLoad.StartAsync(connectionString, zones, today, o.BookingRate, o.BookingCallers, ct);
        var loadAverageStart = CpuSample.LoadAverage();
        var rnd = new Random(o.Seed.Seed);
        var results = new Dictionary<(string Case, string Path), List<double>>();
        var rowsSeen = new Dictionary<(string Case, string Path), long>();
        void Record(string c, string path, double ms, long rows)
        {
            if (!results.TryGetValue((c, path), out var list))
            {
                results[(c, path)] = list = [];
            }
            list.Add(ms);
            rowsSeen[(c, path)] = rows;
        }

        long checks = 0, mismatches = 0, checkedRows = 0, monthMismatches = 0, monthCheckedRows = 0;
        var roomsByClinic = clinics.ToDictionary(c => c.Id, c => c.Rooms.Select(r => r.Id).ToArray(), StringComparer.Ordinal);
        IReadOnlyList<(string ClinicId, string RoomId)> RoomsOf(IEnumerable<string> ids) =>
            ids.SelectMany(id => roomsByClinic[id].Select(room => (id, room))).ToList();
        async Task CheckAsync()
        {
            await load.PauseAsync(ct);
            try
            {
                foreach (var (ids, from, to) in new[] { ((IReadOnlyCollection<string>)[clinicIds[rnd.Next(clinicIds.Length)]], month.From, month.To), (clinicIds, quarter.From, quarter.To) })
                {
                    var fast = await usage.RoomDaysAsync(ids, from, to, ct);
                    var plain = await plainQueries.RoomDaysAsync(ids, from, to, ct);
                    var grid = (await gridQueries.RoomDaysAsync(RoomsOf(ids), from, to, ct)).Where(r => r.Appointments > 0).ToList();
                    mismatches += fast.Except(plain).Count() + plain.Except(fast).Count() + grid.Except(plain).Count() + plain.Except(grid).Count();
                    checkedRows += plain.Count;
                    checks++;
                    if (ids.Count == clinicIds.Length)
                    {
                        // The quarter by month through the report path, against the plain query's days summed per month.
                        var byMonth = await reports.RoomUtilisation(new ReportQuery([], from, to, ReportBucket.Month));
                        var expected = plain
                            .GroupBy(r => (r.ClinicId, r.RoomId, Month: ReportPeriod.BucketStart(r.Day, ReportBucket.Month)))
                            .Select(g => (g.Key.ClinicId, g.Key.RoomId, g.Key.Month, g.Sum(r => r.TreatmentMinutes), g.Sum(r => r.TurnoverMinutes), g.Sum(r => r.Appointments)))
                            .ToHashSet();
                        var actual = (byMonth.Value?.Rooms ?? throw new InvalidOperationException($"Report refused: {byMonth.Refusal!.Code}"))
                            .Where(r => r.Appointments > 0)
                            .Select(r => (r.ClinicId!, r.RoomId!, r.BucketStart, r.TreatmentMinutes, r.TurnoverMinutes, r.Appointments))
                            .ToHashSet();
                        monthMismatches += expected.Except(actual).Count() + actual.Except(expected).Count();
                        monthCheckedRows += expected.Count;
                    }
                }
            }
            finally
            {
                load.Resume();
            }
        }

        // Warm-up (not recorded): every path once per case.
        await usage.RoomDaysAsync([clinicIds[0]], month.From, month.To, ct);
        await plainQueries.RoomDaysAsync([clinicIds[0]], month.From, month.To, ct);
        await reports.RoomUtilisation(new ReportQuery([clinicIds[0]], month.From, month.To));
        await usage.RoomDaysAsync(clinicIds, quarter.From, quarter.To, ct);
        await plainQueries.RoomDaysAsync(clinicIds, quarter.From, quarter.To, ct);
        await gridQueries.RoomDaysAsync(RoomsOf(clinicIds), quarter.From, quarter.To, ct);
        await reports.RoomUtilisation(new ReportQuery([], quarter.From, quarter.To));
        await reports.RoomUtilisation(new ReportQuery([], quarter.From, quarter.To, ReportBucket.Month));
        await CheckAsync();

        var iterations = Math.Max(o.MonthQueries, o.QuarterQueries);
        var checkEvery = Math.Max(1, iterations / Math.Max(1, o.Checks - 1));
        log($"Measuring: {o.MonthQueries} month and {o.QuarterQueries} quarter queries per path, interleaved; background load {o.BookingRate}/s over {o.BookingCallers} writers");
        for (var i = 0; i < iterations; i++)
        {
            if (i < o.MonthQueries)
            {
                string[] one = [clinicIds[rnd.Next(clinicIds.Length)]];
                await TimeAllAsync("one clinic, month", one, month.From, month.To, i);
            }
            if (i < o.QuarterQueries)
            {
                await TimeAllAsync("all clinics, quarter", clinicIds, quarter.From, quarter.To, i);
                var t0 = Stopwatch.GetTimestamp();
                var byMonth = await reports.RoomUtilisation(new ReportQuery([], quarter.From, quarter.To, ReportBucket.Month));
                Record(QuarterByMonth, "grain", Stopwatch.GetElapsedTime(t0).TotalMilliseconds,
                    byMonth.Value?.Rooms.Count ?? throw new InvalidOperationException($"Report refused: {byMonth.Refusal!.Code} {byMonth.Refusal.Message}"));
            }
            if (i > 0 && i % checkEvery == 0)
            {
                await CheckAsync();
            }
            if (i % Math.Max(1, iterations / 10) == 0)
            {
                log($"  {i}/{iterations}; background {load.Describe()}");
            }
        }
        await CheckAsync();
        var loadAverageEnd = CpuSample.LoadAverage();
        var loadStats = load.Describe();
        var pending = await usage.PendingDeltasAsync(ct);

        // The domain composition alone (open minutes from configuration per room and day, utilisation per room, clinic, chain).
        var quarterUsage = await usage.RoomDaysAsync(clinicIds, quarter.From, quarter.To, ct);
        var compose = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            UtilisationReports.RoomUtilisation(clinics, quarterUsage, quarter.From, quarter.To, ReportBucket.Day);
            compose.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        compose.Sort();

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Reports over {total:N0} appointments ({rooms} rooms, {clinicIds.Length} clinics): room usage per room and day; latency per query in ms; x = plain p50 / path p50.");
        sb.AppendLine();
        sb.AppendLine("| case | path | queries | rows | p50 | p95 | p99 | max | x vs the better plain form (p50) | target |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        double BestPlainP50(string c) => Math.Min(Runner.Percentile([.. results[(c, "plain")].Order()], .5), Runner.Percentile([.. results[(c, "plain-grid")].Order()], .5));
        string quarterByMonthTarget = "";
        foreach (var (c, paths) in new[]
                 {
                     ("one clinic, month", new[] { "plain", "plain-grid", "usage", "grain" }),
                     ("all clinics, quarter", ["plain", "plain-grid", "usage", "grain"]),
                     (QuarterByMonth, ["grain"]),
                 })
        {
            var bestPlain = BestPlainP50(c == QuarterByMonth ? "all clinics, quarter" : c);
            foreach (var path in paths)
            {
                var v = results[(c, path)].Order().ToArray();
                var p50 = Runner.Percentile(v, .5);
                var ratio = bestPlain / p50;
                var target = (c, path) switch
                {
                    ("one clinic, month", "usage") => "<= 5 ms, >= 3x",
                    ("all clinics, quarter", "usage") => "<= 200 ms, >= 3x",
                    (QuarterByMonth, _) => quarterByMonthTarget = string.Create(CultureInfo.InvariantCulture,
                        $"<= 100 ms: {Targets.Below(p50, 100.000001)}; >= 3x: {Targets.AtLeast(ratio, 3)}; exact: {(monthMismatches == 0 ? "**met**" : "**MISSED**")}"),
                    _ => "",
                };
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {c} | {path} | {v.Length} | {rowsSeen[(c, path)]} | {p50:0.00} | {Runner.Percentile(v, .95):0.00} | {Runner.Percentile(v, .99):0.00} | {v[^1]:0.00} | {ratio:0.0} | {target} |");
            }
        }
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- paths: plain = PlainReportQueries.RoomDaysAsync over the raw ledger; usage = UsageStore.RoomDaysAsync (aggregates + pending deltas); grain = IReportGrain.RoomUtilisation (usage + open minutes from configuration, rooms/clinics/chain rows; the grain row count is its room rows)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- domain composition alone (quarter, all clinics, {quarterUsage.Count} room-days): p50 {Runner.Percentile([.. compose], .5):0.00} ms, max {compose[^1]:0.00} ms");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- background load through the ledger while measuring: {loadStats}; usage deltas pending at the end: {pending}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- exactness (load paused): {checks} comparisons of usage and plain-grid vs plain over {checkedRows:N0} room-day rows, mismatches: {mismatches}; quarter by month (report path vs plain days summed per month): {monthCheckedRows:N0} room-month rows, mismatches: {monthMismatches}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- target (issue 10), 50-clinic quarter by month through the report path: {quarterByMonthTarget}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- load average {loadAverageStart:0.0} at the start, {loadAverageEnd:0.0} at the end; {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine(sb.ToString());
        return mismatches == 0 && monthMismatches == 0 ? 0 : 1;

        async Task TimeAllAsync(string c, string[] ids, LocalDate from, LocalDate to, int i)
        {
            var order = i % 2 == 0 ? new[] { "plain", "plain-grid", "usage", "grain" } : ["grain", "usage", "plain-grid", "plain"];
            foreach (var path in order)
            {
                var t0 = Stopwatch.GetTimestamp();
                long rows;
                switch (path)
                {
                    case "plain":
                        rows = (await plainQueries.RoomDaysAsync(ids, from, to, ct)).Count;
                        break;
                    case "plain-grid":
                        rows = (await gridQueries.RoomDaysAsync(RoomsOf(ids), from, to, ct)).Count;
                        break;
                    case "usage":
                        rows = (await usage.RoomDaysAsync(ids, from, to, ct)).Count;
                        break;
                    default:
                        var report = await reports.RoomUtilisation(new ReportQuery(ids.Length == clinicIds.Length ? [] : ids, from, to));
                        rows = report.Value?.Rooms.Count ?? throw new InvalidOperationException($"Report refused: {report.Refusal!.Code} {report.Refusal.Message}");
                        break;
                }
                Record(c, path, Stopwatch.GetElapsedTime(t0).TotalMilliseconds, rows);
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
#pragma warning disable CA2100 // Fixed benchmark SQL.
        await using var cmd = dataSource.CreateCommand(sql);
#pragma warning restore CA2100
        cmd.CommandTimeout = 0;
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<List<T>> ListAsync<T>(NpgsqlDataSource dataSource, string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
#pragma warning disable CA2100 // Fixed benchmark SQL.
        await using var cmd = dataSource.CreateCommand(sql);
#pragma warning restore CA2100
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(read(reader));
        }
        return list;
    }
}

/// <summary>
/// Books and cancels in the coming four weeks through <see cref="AppointmentLedger"/> at a bounded rate: random clinic,
/// room and therapist seen in the ledger, a fresh client, a 60-minute session on the 5-minute grid between 08:00 and
/// 18:00 clinic time. Conflicts with the seeded bookings are expected and counted; a third of the bookings made are
/// cancelled a little later. <see cref="PauseAsync"/> waits until no write is in flight.
/// </summary>
public sealed class BackgroundLoad : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _writers;
    private readonly SemaphoreSlim _gate;
    private readonly int _callers;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _booked, _conflicts, _cancelled, _errors;

    private BackgroundLoad(NpgsqlDataSource dataSource, IReadOnlyList<(string Id, string Zone)> zones,
        Dictionary<string, (string[] Rooms, string[] Therapists)> resources, LocalDate today, int rate, int callers)
    {
        _dataSource = dataSource;
        _callers = callers;
        _gate = new SemaphoreSlim(callers, callers);
        var ledger = new AppointmentLedger(dataSource);
        _writers = rate <= 0
            ? []
            : Enumerable.Range(0, callers).Select(c => Task.Run(() => WriteAsync(ledger, zones, resources, today, TimeSpan.FromSeconds((double)callers / rate), c))).ToArray();
    }

    public static async Task<BackgroundLoad> StartAsync(string connectionString, IReadOnlyList<(string Id, string Zone)> zones, LocalDate today, int rate, int callers, CancellationToken ct)
    {
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = callers + 2 }.ConnectionString);
        var resources = new Dictionary<string, (string[] Rooms, string[] Therapists)>(StringComparer.Ordinal);
        foreach (var (id, _) in zones)
        {
            await using var cmd = dataSource.CreateCommand(
                "SELECT array_agg(DISTINCT room_id), array_agg(DISTINCT therapist_id) FROM appointments WHERE clinic_id = $1 AND starts_at > now() - interval '30 days'");
            cmd.Parameters.AddWithValue(id);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct) && !reader.IsDBNull(0))
            {
                resources[id] = (reader.GetFieldValue<string[]>(0), reader.GetFieldValue<string[]>(1));
            }
        }
        return new BackgroundLoad(dataSource, zones.Where(z => resources.ContainsKey(z.Id)).ToList(), resources, today, rate, callers);
    }

    public string Describe()
    {
        var s = Math.Max(_watch.Elapsed.TotalSeconds, 1e-3);
        return string.Create(CultureInfo.InvariantCulture,
            $"{_booked / s:0.0} bookings/s, {_cancelled / s:0.0} cancellations/s, {_conflicts / s:0.0} conflicts/s ({_booked} booked, {_cancelled} cancelled, {_conflicts} conflicts, {_errors} errors in {s:0} s)");
    }

    /// <summary>Stops new writes and waits for the ones in flight.</summary>
    public async Task PauseAsync(CancellationToken ct)
    {
        for (var i = 0; i < _callers; i++)
        {
            await _gate.WaitAsync(ct);
        }
    }

    public void Resume() => _gate.Release(_callers);

    private async Task WriteAsync(AppointmentLedger ledger, IReadOnlyList<(string Id, string Zone)> zones,
        Dictionary<string, (string[] Rooms, string[] Therapists)> resources, LocalDate today, TimeSpan interval, int caller)
    {
        var rnd = new Random(1000 + caller);
        var toCancel = new Queue<(Guid Id, int Version)>();
        var ct = _stop.Token;
        var next = Stopwatch.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }
                await _gate.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                var now = SystemClock.Instance.GetCurrentInstant();
                if (toCancel.Count > 0 && rnd.Next(3) == 0)
                {
                    var (id, version) = toCancel.Dequeue();
                    var r = await ledger.UpdateStatusAsync(id, version, AppointmentStatus.Cancelled, "client-request", false, now, ct: CancellationToken.None);
                    if (r.Kind == LedgerWriteKind.Updated)
                    {
                        Interlocked.Increment(ref _cancelled);
                    }
                    continue;
                }
                var (clinicId, zone) = zones[rnd.Next(zones.Count)];
                var (rooms, therapists) = resources[clinicId];
                var date = today.PlusDays(1 + rnd.Next(28));
                var start = date.At(new LocalTime(8, 0).PlusMinutes(5 * rnd.Next(120))).InZoneLeniently(DateTimeZoneProviders.Tzdb[zone]).ToInstant();
                var end = start + Duration.FromMinutes(60);
                var result = await ledger.InsertAsync(new NewAppointment(Guid.NewGuid(), "bench-load:" + Guid.NewGuid().ToString("N"), clinicId,
                    therapists[rnd.Next(therapists.Length)], rooms[rnd.Next(rooms.Length)], "bench-client-" + caller + "-" + rnd.Next(1_000_000),
                    "nmt-60", start, end, end + Duration.FromMinutes(15), AppointmentStatus.Booked, null), now, CancellationToken.None);
                if (result.Kind == LedgerWriteKind.Inserted)
                {
                    Interlocked.Increment(ref _booked);
                    toCancel.Enqueue((result.Record!.Id, result.Record.Version));
                }
                else
                {
                    Interlocked.Increment(ref _conflicts);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                Interlocked.Increment(ref _errors);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
        _stop.Dispose();
        _gate.Dispose();
        await _dataSource.DisposeAsync();
    }
}
