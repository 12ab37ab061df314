using System.Globalization;
using System.Text;

namespace NmtPractice.Benchmarks;

/// <summary>
/// Issue 10's targets, one line each: met, or missed by how much, computed from this run's table (32 callers when the
/// run has that level, else its highest). A target whose rows were not run says so.
/// </summary>
public static class Targets
{
    public static string Evaluate(
        IReadOnlyList<(string Workload, int Level, string Variant, int Concurrency, List<RunResult> Runs)> results,
        IReadOnlyList<SearchResult> searches,
        IReadOnlyList<SiloMemory> memory)
    {
        var sb = new StringBuilder();
        sb.AppendLine("Targets (issue 10):");
        sb.AppendLine();

        Report.Row? Find(string workload, string variant)
        {
            var rows = results.Where(r => r.Workload == workload && r.Variant == variant && r.Runs.Count > 0).ToList();
            var pick = rows.FirstOrDefault(r => r.Concurrency == 32);
            if (pick.Runs is null)
            {
                pick = rows.OrderByDescending(r => r.Concurrency).FirstOrDefault();
            }
            return pick.Runs is null ? null : Report.Row.Of(pick.Runs, workload == Workload.Hot);
        }

        var natural = Find(Workload.Natural, VariantNames.Grpc);
        var naturalSql = Find(Workload.Natural, VariantNames.Sql);
        if (natural is null || naturalSql is null)
        {
            sb.AppendLine("- natural through gRPC vs `sql`: not run (needs --workload natural --variant sql,grpc)");
        }
        else
        {
            var ratio = natural.Bookings / naturalSql.Bookings;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"- natural through gRPC, bookings/s vs `sql`: {ratio:0.00}x ({natural.Bookings:0} vs {naturalSql.Bookings:0}); target >= 1.0x: {AtLeast(ratio, 1.0)}; floor 0.8x: {AtLeast(ratio, 0.8)}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"- natural through gRPC, p99 {natural.P99:0.0} ms; target < 50 ms: {Below(natural.P99, 50)}");
        }

        var hot = Find(Workload.Hot, VariantNames.Grpc);
        var hotFn = Find(Workload.Hot, VariantNames.SqlFn);
        if (hot is null || hotFn is null)
        {
            sb.AppendLine("- hot through gRPC vs `sql-fn`: not run (needs --workload hot --variant sql-fn,grpc)");
        }
        else
        {
            var ratio = hot.Attempts / hotFn.Attempts;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"- hot through gRPC, attempts/s vs `sql-fn`: {ratio:0.00}x ({hot.Attempts:0} vs {hotFn.Attempts:0}); target >= 1.5x: {AtLeast(ratio, 1.5)}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"- hot through gRPC, p99 {hot.P99:0.0} ms; target < 50 ms: {Below(hot.P99, 50)}");
        }

        var frontDesk = Find(Workload.FrontDesk, VariantNames.Grpc);
        if (frontDesk is null)
        {
            sb.AppendLine("- front-desk day through gRPC: not run (needs --workload front-desk --variant grpc)");
        }
        else
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"- front-desk day through gRPC, search + book p99 {frontDesk.P99:0.0} ms; target < 20 ms: {Below(frontDesk.P99, 20)}; overlaps {frontDesk.MaxOverlaps}: {(frontDesk.MaxOverlaps == 0 ? "**met**" : "**MISSED**")}");
        }

        var search = searches.FirstOrDefault(s => s.ThroughGrpc);
        if (search is null)
        {
            sb.AppendLine("- availability through gRPC: not run (needs --variant grpc, without --no-search)");
        }
        else
        {
            var warm = Runner.Percentile(search.WarmMs, .99);
            var cold = Runner.Percentile(search.ColdMs, .99);
            sb.AppendLine(CultureInfo.InvariantCulture, $"- availability, 14 days, one clinic, any therapist, through gRPC: warm p99 {warm:0.0} ms, target < 5 ms: {Below(warm, 5)}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"- availability, 14 days, one clinic, any therapist, through gRPC: cold p99 {cold:0.0} ms, target < 30 ms: {Below(cold, 30)}");
        }

        if (memory.Count == 0)
        {
            sb.AppendLine("- silo memory: not measured (it is measured after the first natural gRPC run)");
        }
        else
        {
            var m = memory[^1];
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"- silo memory: {m.WorkingSetMbPer10kCalendarDays:0} MB working set ({m.GcHeapMbPer10kCalendarDays:0} MB GC heap) per 10,000 active calendar days, over the {m.CalendarActivations - (m.Baseline?.CalendarActivations ?? 0)} calendar days the run activated ({m.WorkingSetMb:0} MB in all): reported");
        }

        var overlapping = results.Where(r => r.Runs.Any(x => x.Overlaps is > 0)).Select(r => $"{r.Workload} {r.Variant} c={r.Concurrency}").ToList();
        sb.AppendLine(overlapping.Count == 0
            ? "- 0 overlaps in every run: **met**"
            : $"- 0 overlaps in every run: **MISSED** ({string.Join(", ", overlapping)})");
        sb.AppendLine("- reports (50-clinic quarter by month, p50 <= 100 ms and >= 3x the better plain query, exact): measured by `--reports`, not here");
        return sb.ToString();
    }

    /// <summary>"met", or "missed by N %" of the target.</summary>
    public static string AtLeast(double value, double target) =>
        value >= target ? "**met**" : string.Create(CultureInfo.InvariantCulture, $"**missed** by {(target - value) / target:P0} ({value:0.00}x of {target:0.0}x)");

    public static string Below(double valueMs, double targetMs) =>
        valueMs < targetMs ? "**met**" : string.Create(CultureInfo.InvariantCulture, $"**missed** by {valueMs - targetMs:0.0} ms ({valueMs / targetMs:0.0}x the target)");
}
