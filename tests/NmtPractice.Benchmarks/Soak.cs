using System.Diagnostics;
using System.Globalization;
using System.Text;
using NmtPractice.Grains.Abstractions.Booking;
using Orleans;
using Orleans.Runtime;

namespace NmtPractice.Benchmarks;

/// <summary>
/// <c>--soak MINUTES</c>: the natural workload through the grains of one in-process silo for a long time, with
/// cancellations: after a successful booking a caller cancels one of its own earlier bookings (chosen at random) with
/// probability <see cref="CancelShare"/>, so the calendars keep changing instead of only filling up. Every minute one
/// table row: bookings/s, cancels/s, booking latency p50/p99, this process's working set (the silo runs in it, beside
/// the load generator) and GC heap, the silo's grain activations (management grain), errors. At the end the ledger is
/// checked for overlapping appointments (the same oracle as the tests) and a summary printed.
/// </summary>
public static class Soak
{
    /// <summary>Probability that a successful booking is followed by the cancellation of an earlier one.</summary>
    public const double CancelShare = 0.3;

    public static async Task<int> RunAsync(
        GrainSilo silo, BenchDatabase db, Workload workload, int callers, TimeSpan duration, int seed, Action<string> log, CancellationToken ct)
    {
        var window = new Window();
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        var rows = new List<Row>();
        log($"Soak: {duration.TotalMinutes:0} min, {callers} callers, natural workload through IBookingGrain, a cancellation after {CancelShare:P0} of the bookings");
        Console.WriteLine();
        Console.WriteLine(Row.Header);
        Console.WriteLine(Row.Rule);

        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, callers).Select(caller => Task.Run(() => CallerAsync(caller), ct)).ToArray();
        var all = Task.WhenAll(tasks);

        var minutes = (int)Math.Ceiling(duration.TotalMinutes);
        for (var minute = 1; minute <= minutes; minute++)
        {
            if (minute < minutes)
            {
                var due = started + (long)(minute * 60.0 * Stopwatch.Frequency);
                var wait = TimeSpan.FromSeconds(Math.Max(0, (due - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
                await Task.WhenAny(all, Task.Delay(wait, ct));
            }
            else
            {
                // The last row also counts the calls in flight at the deadline.
                await Task.WhenAny(all);
            }
            var snapshot = window.Take();
            var seconds = Math.Max(1e-3, snapshot.Seconds);
            int activations;
            try
            {
                activations = await management.GetTotalActivationCount().WaitAsync(TimeSpan.FromSeconds(30), ct);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                activations = -1;
            }
            using var self = Process.GetCurrentProcess();
            var row = new Row(
                minute,
                snapshot.Bookings / seconds,
                snapshot.Cancels / seconds,
                snapshot.Refusals / seconds,
                Runner.Percentile(snapshot.Latencies, 0.50),
                Runner.Percentile(snapshot.Latencies, 0.99),
                self.WorkingSet64 / 1048576.0,
                GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0,
                activations,
                snapshot.Errors);
            rows.Add(row);
            Console.WriteLine(row.Format());
        }
        await all;

        var overlaps = await db.CountOverlapsAsync(ct);
        var active = await db.CountAsync($"request_id NOT LIKE '{BenchDatabase.HistoryPrefix}%' AND status IN ('pending', 'booked', 'arrived')", ct);
        var cancelled = await db.CountAsync($"request_id NOT LIKE '{BenchDatabase.HistoryPrefix}%' AND status = 'cancelled'", ct);
        Console.WriteLine();
        Console.WriteLine(Summary(rows, window, overlaps, active, cancelled));
        if (window.FirstError is { } first)
        {
            Console.WriteLine($"First error: {first}");
        }
        return overlaps == 0 ? 0 : 1;

        async Task CallerAsync(int caller)
        {
            var stream = workload.Stream(caller, 0);
            var rnd = new Random(HashCode.Combine(seed, caller, "soak"));
            var mine = new List<Guid>();
            var grain = silo.Grains.GetGrain<IBookingGrain>(0);
            while (Stopwatch.GetTimestamp() < deadline && !ct.IsCancellationRequested)
            {
                stream.MoveNext();
                var a = stream.Current;
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    var result = await grain.Book(new BookingRequest(
                        Guid.NewGuid().ToString(), a.ClinicId, a.Service.Id, a.TherapistId, a.RoomId, a.ClientId, a.Start));
                    window.Attempt(Stopwatch.GetTimestamp() - t0, booked: result.IsOk);
                    if (result.Value is { } appointment)
                    {
                        mine.Add(appointment.Id);
                        if (mine.Count > 1 && rnd.NextDouble() < CancelShare)
                        {
                            var k = rnd.Next(mine.Count - 1);
                            var id = mine[k];
                            mine[k] = mine[^1];
                            mine.RemoveAt(mine.Count - 1);
                            var cancel = await silo.Grains.GetGrain<IAppointmentGrain>(id).Cancel("soak");
                            if (cancel.IsOk)
                            {
                                window.Cancelled();
                            }
                            else
                            {
                                window.Error($"cancel refused: {cancel.Refusal!.Code} {cancel.Refusal.Message}");
                            }
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    window.Error(e.GetType().Name + ": " + e.Message);
                }
            }
        }
    }

    private static string Summary(List<Row> rows, Window window, long overlaps, long active, long cancelled)
    {
        var sb = new StringBuilder();
        var steady = rows.Skip(1).ToList();
        var basis = steady.Count > 0 ? steady : rows;
        sb.AppendLine(CultureInfo.InvariantCulture, $"Soak summary: {rows.Count} minute(s), {window.TotalBookings} bookings, {window.TotalCancels} cancellations, {window.TotalRefusals} refusals (conflicts), {window.TotalErrors} errors");
        if (basis.Count > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  bookings/s (minutes {basis[0].Minute}-{basis[^1].Minute}): mean {basis.Average(r => r.BookingsPerSecond):0}, min {basis.Min(r => r.BookingsPerSecond):0}, max {basis.Max(r => r.BookingsPerSecond):0}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"  booking p99 ms: first {basis[0].P99Ms:0.0}, last {basis[^1].P99Ms:0.0}, max {basis.Max(r => r.P99Ms):0.0}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"  working set MB: first {basis[0].WorkingSetMb:0}, last {basis[^1].WorkingSetMb:0}, max {basis.Max(r => r.WorkingSetMb):0}; GC heap MB: first {basis[0].GcHeapMb:0}, last {basis[^1].GcHeapMb:0}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"  activations: first {basis[0].Activations}, last {basis[^1].Activations}");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"  ledger: {active} active and {cancelled} cancelled soak appointments; overlapping pairs: {overlaps} ({(overlaps == 0 ? "ok" : "FAILED")})");
        return sb.ToString();
    }

    private sealed record Row(
        int Minute, double BookingsPerSecond, double CancelsPerSecond, double RefusalsPerSecond, double P50Ms, double P99Ms,
        double WorkingSetMb, double GcHeapMb, int Activations, long Errors)
    {
        public const string Header = "| minute | bookings/s | cancels/s | refusals/s | p50 ms | p99 ms | working set MB | GC heap MB | activations | errors |";
        public const string Rule = "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

        public string Format() => string.Create(CultureInfo.InvariantCulture,
            $"| {Minute} | {BookingsPerSecond:0} | {CancelsPerSecond:0} | {RefusalsPerSecond:0} | {P50Ms:0.0} | {P99Ms:0.0} | {WorkingSetMb:0} | {GcHeapMb:0} | {(Activations < 0 ? "?" : Activations.ToString(CultureInfo.InvariantCulture))} | {Errors} |");
    }

    /// <summary>Counters for the current minute, swapped out by <see cref="Take"/>; totals kept for the summary.</summary>
    private sealed class Window
    {
        private readonly Lock _lock = new();
        private List<long> _latencies = new(65_536);
        private long _bookings, _refusals, _cancels, _errors, _since = Stopwatch.GetTimestamp();

        public long TotalBookings { get; private set; }
        public long TotalRefusals { get; private set; }
        public long TotalCancels { get; private set; }
        public long TotalErrors { get; private set; }
        public string? FirstError { get; private set; }

        public void Attempt(long ticks, bool booked)
        {
            lock (_lock)
            {
                _latencies.Add(ticks);
                if (booked)
                {
                    _bookings++;
                }
                else
                {
                    _refusals++;
                }
            }
        }

        public void Cancelled()
        {
            lock (_lock)
            {
                _cancels++;
            }
        }

        public void Error(string message)
        {
            lock (_lock)
            {
                _errors++;
                FirstError ??= message;
            }
        }

        public Snapshot Take()
        {
            lock (_lock)
            {
                var now = Stopwatch.GetTimestamp();
                var latencies = _latencies.ToArray();
                Array.Sort(latencies);
                var s = new Snapshot((now - _since) / (double)Stopwatch.Frequency, latencies.Length + _errors, _bookings, _refusals, _cancels, _errors, latencies);
                TotalBookings += _bookings;
                TotalRefusals += _refusals;
                TotalCancels += _cancels;
                TotalErrors += _errors;
                _latencies = new List<long>(Math.Max(1024, latencies.Length));
                _bookings = _refusals = _cancels = _errors = 0;
                _since = now;
                return s;
            }
        }
    }

    private sealed record Snapshot(double Seconds, long Attempts, long Bookings, long Refusals, long Cancels, long Errors, long[] Latencies);
}
