using System.Diagnostics;

namespace NmtPractice.Benchmarks;

/// <summary>What one run measured.</summary>
public sealed record RunResult(
    long Attempts,
    long Bookings,
    double Seconds,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    IReadOnlyDictionary<string, long> Refusals,
    long Errors,
    double ProcessCores,
    double PostgresCores,
    double MachineBusy,
    double LoadAverage,
    long? Overlaps)
{
    public double AttemptsPerSecond => Attempts / Seconds;

    public double BookingsPerSecond => Bookings / Seconds;
}

/// <summary>Runs one configuration: C callers, each sending its stream of attempts back to back through the driver.</summary>
public static class Runner
{
    public static async Task<RunResult> RunAsync(
        IBookingDriver driver, Workload workload, int callers, int run, TimeSpan warmup, TimeSpan measure, Action<string> log, CancellationToken ct)
    {
        var streams = Enumerable.Range(0, callers).Select(c => workload.Stream(c, run, callers)).ToArray();
        if (warmup > TimeSpan.Zero)
        {
            await DriveAsync(driver, streams, warmup, ct);
        }
        var load = CpuSample.LoadAverage();
        var cpu = CpuSample.Take();
        var stats = await DriveAsync(driver, streams, measure, ct);
        var (cores, pgCores, busy) = CpuSample.Since(cpu);

        var all = new long[stats.Sum(s => s.Latencies.Count)];
        var at = 0;
        foreach (var s in stats)
        {
            s.Latencies.CopyTo(all, at);
            at += s.Latencies.Count;
        }
        Array.Sort(all);
        var refusals = stats.SelectMany(s => s.Refusals).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal);
        var errors = stats.Sum(s => s.Errors);
        if (errors > 0)
        {
            log($"    {errors} attempts threw; first: {stats.First(s => s.FirstError is not null).FirstError}");
        }
        return new RunResult(
            all.Length, stats.Sum(s => s.Bookings), measure.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99), all.Length == 0 ? 0 : Ms(all[^1]),
            refusals, errors, cores, pgCores, busy, load, null);
    }

    private sealed class CallerStats
    {
        public List<long> Latencies { get; } = new(16_384);
        public Dictionary<string, long> Refusals { get; } = new(StringComparer.Ordinal);
        public long Bookings;
        public long Errors;
        public string? FirstError;
    }

    private static async Task<CallerStats[]> DriveAsync(IBookingDriver driver, IEnumerator<BookingAttempt>[] streams, TimeSpan duration, CancellationToken ct)
    {
        var stats = streams.Select(_ => new CallerStats()).ToArray();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = streams.Select((stream, caller) => Task.Run(async () =>
        {
            var s = stats[caller];
            while (Stopwatch.GetTimestamp() < deadline && !ct.IsCancellationRequested)
            {
                stream.MoveNext();
                var attempt = stream.Current;
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    var outcome = await driver.BookAsync(caller, attempt, ct);
                    if (outcome.Booked)
                    {
                        s.Bookings++;
                    }
                    else
                    {
                        s.Refusals[outcome.Refusal!] = s.Refusals.GetValueOrDefault(outcome.Refusal!) + 1;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    s.Errors++;
                    s.FirstError ??= e.GetType().Name + ": " + e.Message;
                    s.Refusals["ERROR"] = s.Refusals.GetValueOrDefault("ERROR") + 1;
                }
                s.Latencies.Add(Stopwatch.GetTimestamp() - t0);
            }
        }, ct)).ToArray();
        await Task.WhenAll(tasks);
        return stats;
    }

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : Ms(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
