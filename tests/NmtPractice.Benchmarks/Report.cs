using System.Globalization;
using System.Text;

namespace NmtPractice.Benchmarks;

/// <summary>The side-by-side table: medians of the runs, ratios against the plain-SQL baselines at the same level.</summary>
public static class Report
{
    public static string Table(IReadOnlyList<(string Workload, int Level, string Variant, int Concurrency, List<RunResult> Runs)> results, BenchOptions o)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Booking: medians of {o.Runs} run(s) x {o.Seconds} s (after {o.WarmupSeconds} s warm-up); latency per attempt in ms (front-desk: search + book); ratios vs `sql` and `sql-fn` at the same level.");
        sb.AppendLine("CPU per booking (per attempt for hot): milliseconds of CPU of this process (the load generator, plus the silo and gateway for grains/grpc, which run in it) and of PostgreSQL (postmaster and backends, from /proc).");
        sb.AppendLine();
        sb.AppendLine("| workload | variant | conc. | attempts/s | bookings/s | p50 | p95 | p99 | x sql attempts | x sql bookings | x sql-fn attempts | x sql-fn bookings | cpu ms per booking: process / pg | refusals (share of attempts) | cpu cores process / pg, machine busy, load | overlaps |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var group in results.GroupBy(r => (r.Workload, r.Level)))
        {
            var sql = Baseline(group, VariantNames.Sql);
            var sqlFn = Baseline(group, VariantNames.SqlFn);
            foreach (var (workload, _, variant, concurrency, runs) in group)
            {
                if (runs.Count == 0)
                {
                    continue;
                }
                var row = Row.Of(runs, workload == Workload.Hot);
                var totalAttempts = runs.Sum(r => r.Attempts);
                var refusals = runs.SelectMany(r => r.Refusals).GroupBy(kv => kv.Key)
                    .Select(g => (g.Key, Share: (double)g.Sum(kv => kv.Value) / Math.Max(1, totalAttempts)))
                    .OrderByDescending(x => x.Share)
                    .Select(x => $"{x.Key} {x.Share:P1}");
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {workload} | {variant} | {concurrency} | {row.Attempts:0} | {row.Bookings:0.#} | {row.P50:0.0} | {row.P95:0.0} | {row.P99:0.0} "
                    + $"| {Ratio(row.Attempts, sql?.Attempts)} | {Ratio(row.Bookings, sql?.Bookings)} | {Ratio(row.Attempts, sqlFn?.Attempts)} | {Ratio(row.Bookings, sqlFn?.Bookings)} "
                    + $"| {row.ProcessCpuMs:0.00} / {row.PostgresCpuMs:0.00} | {string.Join(", ", refusals)} "
                    + $"| {Runner.Median(runs.Select(r => r.ProcessCores)):0.00} / {Runner.Median(runs.Select(r => r.PostgresCores)):0.00}, {Runner.Median(runs.Select(r => r.MachineBusy)):P0}, {Runner.Median(runs.Select(r => r.LoadAverage)):0.0} | {string.Join("/", runs.Select(r => r.Overlaps?.ToString(CultureInfo.InvariantCulture) ?? "-"))} |");
            }
        }
        return sb.ToString();
    }

    private static Row? Baseline(IEnumerable<(string Workload, int Level, string Variant, int Concurrency, List<RunResult> Runs)> group, string variant) =>
        group.Where(r => r.Variant == variant && r.Runs.Count > 0).Select(r => Row.Of(r.Runs, r.Workload == Workload.Hot)).FirstOrDefault();

    public static string Ratio(double value, double? baseline) =>
        baseline is not { } b || double.IsNaN(b) || b <= 0 ? "-" : (value / b).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Medians over the runs of one configuration.</summary>
    public sealed record Row(double Attempts, double Bookings, double P50, double P95, double P99, double ProcessCpuMs, double PostgresCpuMs, long MaxOverlaps)
    {
        /// <param name="perAttempt">CPU per attempt rather than per booking (the hot workload books almost nothing).</param>
        public static Row Of(IReadOnlyList<RunResult> runs, bool perAttempt)
        {
            double PerUnit(RunResult r, double cores)
            {
                var units = perAttempt ? r.Attempts : r.Bookings;
                return units == 0 ? double.NaN : cores * r.Seconds * 1000 / units;
            }
            return new Row(
                Runner.Median(runs.Select(r => r.AttemptsPerSecond)),
                Runner.Median(runs.Select(r => r.BookingsPerSecond)),
                Runner.Median(runs.Select(r => r.P50Ms)),
                Runner.Median(runs.Select(r => r.P95Ms)),
                Runner.Median(runs.Select(r => r.P99Ms)),
                Runner.Median(runs.Select(r => PerUnit(r, r.ProcessCores))),
                Runner.Median(runs.Select(r => PerUnit(r, r.PostgresCores))),
                runs.Max(r => r.Overlaps ?? 0));
        }
    }
}
