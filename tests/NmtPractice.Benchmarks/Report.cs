using System.Globalization;
using System.Text;

namespace NmtPractice.Benchmarks;

/// <summary>The side-by-side table: medians of the runs, ratios against the plain-SQL baseline at the same level.</summary>
public static class Report
{
    public static string Table(IReadOnlyList<(string Workload, int Level, string Variant, int Concurrency, List<RunResult> Runs)> results, BenchOptions o)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Booking: medians of {o.Runs} run(s) x {o.Seconds} s (after {o.WarmupSeconds} s warm-up); latency per attempt in ms; ratios vs `sql` at the same level.");
        sb.AppendLine();
        sb.AppendLine("| workload | variant | conc. | attempts/s | bookings/s | p50 | p95 | p99 | x sql attempts | x sql bookings | refusals (share of attempts) | cpu cores bench / pg, machine busy, load | overlaps |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var group in results.GroupBy(r => (r.Workload, r.Level)))
        {
            var baseline = group.FirstOrDefault(r => r.Variant == VariantNames.Sql);
            var baseAttempts = baseline.Runs is null ? double.NaN : Runner.Median(baseline.Runs.Select(r => r.AttemptsPerSecond));
            var baseBookings = baseline.Runs is null ? double.NaN : Runner.Median(baseline.Runs.Select(r => r.BookingsPerSecond));
            foreach (var (workload, _, variant, concurrency, runs) in group)
            {
                if (runs.Count == 0)
                {
                    continue;
                }
                var attempts = Runner.Median(runs.Select(r => r.AttemptsPerSecond));
                var bookings = Runner.Median(runs.Select(r => r.BookingsPerSecond));
                var totalAttempts = runs.Sum(r => r.Attempts);
                var refusals = runs.SelectMany(r => r.Refusals).GroupBy(kv => kv.Key)
                    .Select(g => (g.Key, Share: (double)g.Sum(kv => kv.Value) / Math.Max(1, totalAttempts)))
                    .OrderByDescending(x => x.Share)
                    .Select(x => $"{x.Key} {x.Share:P1}");
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {workload} | {variant} | {concurrency} | {attempts:0} | {bookings:0.#} | {Runner.Median(runs.Select(r => r.P50Ms)):0.0} | {Runner.Median(runs.Select(r => r.P95Ms)):0.0} | {Runner.Median(runs.Select(r => r.P99Ms)):0.0} "
                    + $"| {Ratio(attempts, baseAttempts)} | {Ratio(bookings, baseBookings)} | {string.Join(", ", refusals)} "
                    + $"| {Runner.Median(runs.Select(r => r.ProcessCores)):0.00} / {Runner.Median(runs.Select(r => r.PostgresCores)):0.00}, {Runner.Median(runs.Select(r => r.MachineBusy)):P0}, {Runner.Median(runs.Select(r => r.LoadAverage)):0.0} | {string.Join("/", runs.Select(r => r.Overlaps?.ToString(CultureInfo.InvariantCulture) ?? "-"))} |");
            }
        }
        return sb.ToString();
    }

    private static string Ratio(double value, double baseline) =>
        double.IsNaN(baseline) || baseline <= 0 ? "-" : (value / baseline).ToString("0.00", CultureInfo.InvariantCulture);
}
