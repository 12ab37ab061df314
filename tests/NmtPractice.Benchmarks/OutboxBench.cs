using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NmtPractice.Domain.Appointments;
using NmtPractice.Hosting.LocalPostgres;
using NmtPractice.Persistence;
using NmtPractice.Persistence.Outbox;
using Npgsql;
using NodaTime;

namespace NmtPractice.Benchmarks;

/// <summary>
/// <c>--outbox</c>: the cost of the transactional outbox on booking throughput, and the outbox lag. Concurrent callers
/// book random slots of a chain (50 clinics x 10 rooms x 20 therapists, 20,000 clients, 90 days, 60-minute treatments on
/// a 15-minute grid; conflicts are refused by the ledger as in production) straight into the ledger, one transaction per
/// booking, for a fixed time; runs alternate with the outbox trigger enabled and disabled (ALTER TABLE ... DISABLE
/// TRIGGER, the same process, database and data), so the difference is the outbox's. With the outbox, a reader polls
/// the outbox as the gateway's stream does (the same store, the same interval, batches of 500) and records, per
/// booking, the time from the ledger's acknowledgement (just after the commit) to the read that delivered its event.
/// The gRPC hop of the stream (a grain call and one HTTP/2 frame on loopback) is not included.
/// </summary>
public static class OutboxBench
{
    public const string Usage = """
        Usage: NmtPractice.Benchmarks --outbox [--seconds 10] [--runs 2] [--callers 16] [--poll-ms 100]
        Environment: NMT_BENCH_POSTGRES (a server to use instead of a private one; its ledger and outbox are wiped)
        """;

    private const int Clinics = 50;
    private const int Rooms = 10;
    private const int Therapists = 20;
    private const int ClientCount = 20_000;
    private const int Days = 90;

    public static async Task<int> RunAsync(string[] args, ILoggerFactory loggers, Action<string> log, CancellationToken ct)
    {
        int seconds = 10, runs = 2, callers = 16, pollMs = 100;
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--outbox": break;
                case "--seconds": seconds = Next(); break;
                case "--runs": runs = Next(); break;
                case "--callers": callers = Next(); break;
                case "--poll-ms": pollMs = Next(); break;
                default:
                    Console.Error.WriteLine($"Unknown option {args[i]}\n{Usage}");
                    return 2;
            }
        }

        LocalPostgresCluster? cluster = null;
        string? tempRoot = null;
        try
        {
            string connectionString;
            if (Environment.GetEnvironmentVariable("NMT_BENCH_POSTGRES") is { Length: > 0 } given)
            {
                connectionString = given;
                log("Using the PostgreSQL server from NMT_BENCH_POSTGRES (its ledger and outbox are wiped)");
            }
            else
            {
                log("Starting a private PostgreSQL (fsync on, synchronous_commit on)");
                cluster = await LocalPostgresCluster.StartAsync(
                    new LocalPostgresOptions
                    {
                        DataDirectory = Path.Combine(tempRoot = Directory.CreateTempSubdirectory("nmtoutbox-").FullName, "data"),
                        DatabaseName = "nmt_bench", KeepData = false, Fsync = true, SynchronousCommit = true, SharedBuffers = "256MB",
                    },
                    loggers.CreateLogger("postgres"), ct);
                connectionString = cluster.ConnectionString;
            }

            var csb = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = callers + 8 };
            await using var dataSource = NpgsqlDataSource.Create(csb.ConnectionString);
            await Migrator.ApplyAsync(dataSource, loggers.CreateLogger("migrator"), ct);
            var results = new List<(bool Outbox, double PerSecond, int Booked, int Refused, double[] LagMs)>();
            for (var run = 0; run < runs; run++)
            {
                foreach (var outbox in new[] { true, false })
                {
                    await ExecuteAsync(dataSource, "TRUNCATE appointments, appointment_requests, outbox_events", ct);
                    await ExecuteAsync(dataSource, $"ALTER TABLE appointments {(outbox ? "ENABLE" : "DISABLE")} TRIGGER appointments_outbox", ct);
                    var result = await RunOnceAsync(dataSource, outbox, seconds, callers, TimeSpan.FromMilliseconds(pollMs), run, ct);
                    results.Add(result);
                    log($"run {run + 1} {(outbox ? "with" : "without")} the outbox: {result.PerSecond:0} bookings/s ({result.Booked} booked, {result.Refused} refused)"
                        + (outbox ? $", lag p50 {Percentile(result.LagMs, .5):0.0} ms, p99 {Percentile(result.LagMs, .99):0.0} ms over {result.LagMs.Length} events" : ""));
                }
            }
            await ExecuteAsync(dataSource, "ALTER TABLE appointments ENABLE TRIGGER appointments_outbox", ct);

            var with = results.Where(r => r.Outbox).ToList();
            var without = results.Where(r => !r.Outbox).ToList();
            var lags = with.SelectMany(r => r.LagMs).Order().ToArray();
            var withRate = with.Average(r => r.PerSecond);
            var withoutRate = without.Average(r => r.PerSecond);
            Console.WriteLine();
            Console.WriteLine($"| outbox | callers | runs x seconds | bookings/s (mean) | lag p50 ms | lag p99 ms | events |");
            Console.WriteLine($"|---|---|---|---|---|---|---|");
            Console.WriteLine($"| on | {callers} | {runs} x {seconds} | {withRate:0} | {Percentile(lags, .5):0.0} | {Percentile(lags, .99):0.0} | {lags.Length} |");
            Console.WriteLine($"| off | {callers} | {runs} x {seconds} | {withoutRate:0} | - | - | - |");
            Console.WriteLine($"Outbox cost on booking throughput: {(1 - withRate / withoutRate) * 100:0.0}% (poll interval {pollMs} ms)");
            return 0;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            if (tempRoot is not null)
            {
                try
                {
                    Directory.Delete(tempRoot, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static async Task<(bool Outbox, double PerSecond, int Booked, int Refused, double[] LagMs)> RunOnceAsync(
        NpgsqlDataSource dataSource, bool outbox, int seconds, int callers, TimeSpan poll, int run, CancellationToken ct)
    {
        var ledger = new AppointmentLedger(dataSource);
        var store = new OutboxStore(dataSource);
        var today = SystemClock.Instance.GetCurrentInstant().InUtc().Date;
        var acked = new ConcurrentDictionary<Guid, long>();
        var delivered = new ConcurrentDictionary<Guid, long>();
        int booked = 0, refused = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var readerStop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var reader = outbox ? Task.Run(async () =>
        {
            long cursor = 0;
            while (!readerStop.IsCancellationRequested)
            {
                var page = await store.ReadAsync(cursor, 500, CancellationToken.None);
                var now = Stopwatch.GetTimestamp();
                foreach (var e in page.Events)
                {
                    delivered.TryAdd(Guid.Parse(e.Subject), now);
                }
                cursor = page.ScannedTo;
                if (!page.Full)
                {
                    try
                    {
                        await Task.Delay(poll, readerStop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }, CancellationToken.None) : Task.CompletedTask;

        var watch = Stopwatch.StartNew();
        stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        var workers = Enumerable.Range(0, callers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(HashCode.Combine(run, worker, outbox));
            while (!stop.IsCancellationRequested)
            {
                var clinic = random.Next(Clinics);
                var start = today.PlusDays(1 + random.Next(Days)).AtMidnight().InUtc().ToInstant()
                    + Duration.FromHours(8) + Duration.FromMinutes(15 * random.Next(40));
                var a = new NewAppointment(
                    Guid.NewGuid(), Guid.NewGuid().ToString("N"), $"k{clinic}", $"t{clinic}-{random.Next(Therapists)}", $"r{random.Next(Rooms)}",
                    $"c{random.Next(ClientCount)}", "svc", start, start + Duration.FromMinutes(60), start + Duration.FromMinutes(60),
                    AppointmentStatus.Booked, null);
                var result = await ledger.InsertAsync(a, SystemClock.Instance.GetCurrentInstant(), CancellationToken.None);
                if (result.Kind == LedgerWriteKind.Inserted)
                {
                    acked[a.Id] = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref booked);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers);
        var elapsed = watch.Elapsed.TotalSeconds;

        if (outbox)
        {
            // Let the reader deliver the last events (bounded: it is a few polls behind at most).
            var deadline = Stopwatch.StartNew();
            while (delivered.Count < acked.Count && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50, ct);
            }
            await readerStop.CancelAsync();
            await reader;
        }

        // Delivered before the caller had its answer: lag 0 (the commit had happened; the answer was on its way).
        var lagMs = acked
            .Where(p => delivered.ContainsKey(p.Key))
            .Select(p => Math.Max(0, Stopwatch.GetElapsedTime(p.Value, delivered[p.Key]).TotalMilliseconds))
            .Order()
            .ToArray();
        if (outbox && lagMs.Length != acked.Count)
        {
            throw new InvalidOperationException($"{acked.Count - lagMs.Length} of {acked.Count} bookings were never delivered by the outbox reader.");
        }
        return (outbox, booked / elapsed, booked, refused, lagMs);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
