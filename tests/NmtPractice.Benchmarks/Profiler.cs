using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NmtPractice.Benchmarks;

/// <summary>
/// A poor man's profiler for the grain variant (--profile / NMT_BENCH_PROFILE=1): listens to the activities of
/// NmtPractice, Orleans (grain calls, with activity propagation on) and Npgsql inside this process, and sums their
/// durations per name. Spans nest (a booking contains its grain calls and SQL), so totals overlap by design.
/// </summary>
public sealed class Profiler : IDisposable
{
    private static readonly string[] Sources = ["NmtPractice", "Npgsql", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, Stat> _stats = new(StringComparer.Ordinal);
    private volatile bool _recording;

    private sealed class Stat
    {
        public long Count;
        public long TotalTicks;
        public long MaxTicks;
    }

    public Profiler()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => Sources.Contains(s.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Start()
    {
        _stats.Clear();
        _recording = true;
    }

    public void Stop() => _recording = false;

    private void OnStopped(Activity a)
    {
        if (!_recording)
        {
            return;
        }
        var name = a.Source.Name switch
        {
            "Npgsql" => "sql  " + Shorten(a.GetTagItem("db.query.text") as string ?? a.GetTagItem("db.statement") as string ?? a.DisplayName),
            "NmtPractice" => "nmt  " + a.DisplayName,
            _ => "grain " + a.Kind.ToString().ToLowerInvariant() + " " + a.DisplayName,
        };
        var stat = _stats.GetOrAdd(name, _ => new Stat());
        var ticks = a.Duration.Ticks;
        Interlocked.Increment(ref stat.Count);
        Interlocked.Add(ref stat.TotalTicks, ticks);
        long max;
        while (ticks > (max = Interlocked.Read(ref stat.MaxTicks)) && Interlocked.CompareExchange(ref stat.MaxTicks, ticks, max) != max)
        {
        }
    }

    private static string Shorten(string sql)
    {
        var oneLine = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= 70 ? oneLine : oneLine[..70] + "...";
    }

    /// <summary>A table of the top spans by total time, with per-attempt counts.</summary>
    public string Report(long attempts, int top = 25)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"  {"span",-90} {"count",9} {"/attempt",9} {"avg ms",8} {"max ms",8} {"total s",8}");
        foreach (var (name, s) in _stats.OrderByDescending(kv => kv.Value.TotalTicks).Take(top))
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"  {Truncate(name, 90),-90} {s.Count,9} {(double)s.Count / Math.Max(1, attempts),9:0.00} {TimeSpan.FromTicks(s.TotalTicks / Math.Max(1, s.Count)).TotalMilliseconds,8:0.00} {TimeSpan.FromTicks(s.MaxTicks).TotalMilliseconds,8:0.0} {TimeSpan.FromTicks(s.TotalTicks).TotalSeconds,8:0.0}");
        }
        return sb.ToString();
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 3)] + "...";

    public void Dispose() => _listener.Dispose();
}

/// <summary>CPU used by this process, by PostgreSQL (when it is our private server) and by the whole machine between two samples.</summary>
public sealed class CpuSample
{
    private readonly TimeSpan _process;
    private readonly long _postgresTicks;
    private readonly (long Busy, long Total) _machine;
    private readonly long _wall;

    private CpuSample(TimeSpan process, long postgresTicks, (long, long) machine, long wall) =>
        (_process, _postgresTicks, _machine, _wall) = (process, postgresTicks, machine, wall);

    /// <summary>The postmaster's pid when we run a private server; its children are the backends.</summary>
    public static int? PostmasterPid { get; set; }

    public static CpuSample Take() =>
        new(Process.GetCurrentProcess().TotalProcessorTime, PostgresTicks(), ReadProcStat(), Stopwatch.GetTimestamp());

    /// <summary>This process and PostgreSQL in cores (NaN when not measured), the machine busy fraction 0..1, since <paramref name="before"/>.</summary>
    public static (double ProcessCores, double PostgresCores, double MachineBusy) Since(CpuSample before)
    {
        var now = Take();
        var wall = Math.Max(Stopwatch.GetElapsedTime(before._wall, now._wall).TotalSeconds, 1e-9);
        var cores = (now._process - before._process).TotalSeconds / wall;
        var pg = PostmasterPid is null ? double.NaN : (now._postgresTicks - before._postgresTicks) / 100.0 / wall;
        var total = now._machine.Total - before._machine.Total;
        var busy = total <= 0 ? 0 : (double)(now._machine.Busy - before._machine.Busy) / total;
        return (cores, pg, busy);
    }

    /// <summary>The 1-minute load average (other work on a shared machine shows here).</summary>
    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    /// <summary>utime+stime (clock ticks, 100/s) of the postmaster and its direct children.</summary>
    private static long PostgresTicks()
    {
        if (PostmasterPid is not { } pm || !Directory.Exists("/proc"))
        {
            return 0;
        }
        long sum = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // fields[0] = state (field 3), [1] = ppid (4), [11] = utime (14), [12] = stime (15)
                var pid = int.Parse(name, CultureInfo.InvariantCulture);
                var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid == pm || ppid == pm)
                {
                    sum += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process went away.
            }
        }
        return sum;
    }

    private static (long Busy, long Total) ReadProcStat()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            var idle = v[3] + (v.Length > 4 ? v[4] : 0);
            var total = v.Sum();
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return (0, 0);
        }
    }
}
