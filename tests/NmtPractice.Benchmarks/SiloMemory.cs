using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orleans;
using Orleans.Runtime;

namespace NmtPractice.Benchmarks;

/// <summary>
/// The silo's memory against its active calendar days: the process's working set and its GC heap after a full
/// collection, and the activation counts per grain type from the silo's management grain. Calendar grains are the
/// types whose class name says calendar, day or week (therapist-day, clinic-day, client calendar, and whatever
/// partition replaces them). The process also holds the load generator and the gRPC client, so the figure is an upper
/// bound for the silo.
/// </summary>
public sealed record SiloMemory(string When, double WorkingSetMb, double GcHeapMb, int Activations, int CalendarActivations, string CalendarTypes)
{
    /// <summary>What the run added (measured against <see cref="Baseline"/>, taken before it) per 10,000 calendar activations.</summary>
    public double WorkingSetMbPer10kCalendarDays => Per10k(WorkingSetMb - (Baseline?.WorkingSetMb ?? 0));

    public double GcHeapMbPer10kCalendarDays => Per10k(GcHeapMb - (Baseline?.GcHeapMb ?? 0));

    /// <summary>The same process before the run (configuration grains warm, calendars cold).</summary>
    public SiloMemory? Baseline { get; init; }

    private double Per10k(double mb)
    {
        var days = CalendarActivations - (Baseline?.CalendarActivations ?? 0);
        return days <= 0 ? double.NaN : mb / (days / 10_000.0);
    }

    public static async Task<SiloMemory> MeasureAsync(IGrainFactory grains, string when, CancellationToken ct)
    {
        var stats = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics().WaitAsync(TimeSpan.FromSeconds(30), ct);
        var byType = stats.GroupBy(s => ShortName(s.GrainType)).ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal);
        var calendars = byType.Where(kv => IsCalendar(kv.Key)).OrderByDescending(kv => kv.Value).ToList();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        return new SiloMemory(
            when,
            self.WorkingSet64 / 1048576.0,
            GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0,
            byType.Values.Sum(),
            calendars.Sum(kv => kv.Value),
            string.Join(", ", calendars.Select(kv => $"{kv.Key} {kv.Value}")));
    }

    private static bool IsCalendar(string type) =>
        type.Contains("Calendar", StringComparison.OrdinalIgnoreCase)
        || type.Contains("Day", StringComparison.OrdinalIgnoreCase)
        || type.Contains("Week", StringComparison.OrdinalIgnoreCase);

    private static string ShortName(string grainType)
    {
        var name = grainType.Split(',')[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    public static string ToMarkdown(IReadOnlyList<SiloMemory> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("Silo memory (this process: silo, gateway and load generator; GC heap after a full collection; per 10,000 calendar days = what the run added over the same process before it, divided by the calendar activations it added):");
        sb.AppendLine();
        sb.AppendLine("| when | working set MB (before) | GC heap MB (before) | activations | calendar activations | working set MB per 10,000 calendar days | GC heap MB per 10,000 | calendar grains |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.When} | {r.WorkingSetMb:0} ({r.Baseline?.WorkingSetMb:0}) | {r.GcHeapMb:0} ({r.Baseline?.GcHeapMb:0}) | {r.Activations} | {r.CalendarActivations} | {r.WorkingSetMbPer10kCalendarDays:0.0} | {r.GcHeapMbPer10kCalendarDays:0.0} | {r.CalendarTypes} |");
        }
        return sb.ToString();
    }
}
