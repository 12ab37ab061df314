using System.Globalization;

namespace NmtPractice.Benchmarks;

/// <summary>Command-line options. Defaults are modest; <c>--quick</c> is 1 run x 5 s.</summary>
public sealed class BenchOptions
{
    public int Seconds { get; set; } = 10;
    public int Runs { get; set; } = 1;
    public int WarmupSeconds { get; set; } = 2;
    public IReadOnlyList<int> Connections { get; set; } = [8, 32];
    /// <summary>Concurrent callers for the grain and gRPC variants; null means the same as each connections value.</summary>
    public IReadOnlyList<int>? Callers { get; set; }
    public IReadOnlyList<string> Workloads { get; set; } = ["natural", "hot"];
    public IReadOnlyList<string> Variants { get; set; } = ["sql", "sql-advisory", "sql-fn", "grains"];
    public bool WarmClients { get; set; } = true;
    public int Clinics { get; set; } = 50;
    public int RoomsPerClinic { get; set; } = 10;
    public int TherapistsPerClinic { get; set; } = 20;
    public int Clients { get; set; } = 20_000;
    public int History { get; set; } = 200_000;
    public int WindowDays { get; set; } = 90;
    public int HotSlots { get; set; } = 8;
    /// <summary>Front-desk workload: interactions (search, then book) per clinic each simulated morning.</summary>
    public int Burst { get; set; } = 10;
    /// <summary>Front-desk workload: how far ahead the front desk books, in days.</summary>
    public int FrontDeskDays { get; set; } = 28;
    public int Seed { get; set; } = 20_260_501;
    public int SeedParallelism { get; set; } = 32;
    public int SearchQueries { get; set; } = 500;
    public bool SkipSearch { get; set; }
    /// <summary>How many distinct IBookingGrain keys the grain callers spread over (1 = every caller uses key 0, as the tests do).</summary>
    public int GrainKeys { get; set; } = 1;
    public bool Profile { get; set; } = Environment.GetEnvironmentVariable("NMT_BENCH_PROFILE") is "1" or "true";
    public string? ConnectionString { get; set; } = Environment.GetEnvironmentVariable("NMT_BENCH_POSTGRES");
    /// <summary>Set by <c>--soak MINUTES</c>: a long natural run with cancellations instead of the comparison (see Soak.cs).</summary>
    public int SoakMinutes { get; set; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            IReadOnlyList<string> NextList() => Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            switch (name)
            {
                case "--quick": o.Runs = 1; o.Seconds = 5; o.WarmupSeconds = 1; o.SearchQueries = 200; break;
                case "--seconds": o.Seconds = NextInt(); break;
                case "--runs": o.Runs = NextInt(); break;
                case "--warmup": o.WarmupSeconds = NextInt(); break;
                case "--connections": o.Connections = NextList().Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(); break;
                case "--callers": o.Callers = NextList().Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(); break;
                case "--workload": o.Workloads = NextList(); break;
                case "--variant": o.Variants = NextList(); break;
                case "--clinics": o.Clinics = NextInt(); break;
                case "--rooms": o.RoomsPerClinic = NextInt(); break;
                case "--therapists": o.TherapistsPerClinic = NextInt(); break;
                case "--clients": o.Clients = NextInt(); break;
                case "--history": o.History = NextInt(); break;
                case "--window-days": o.WindowDays = NextInt(); break;
                case "--hot-slots": o.HotSlots = NextInt(); break;
                case "--burst": o.Burst = NextInt(); break;
                case "--front-desk-days": o.FrontDeskDays = NextInt(); break;
                case "--targets":
                    // The issue's targets table: every variant, 32 callers, medians of 3 runs (--quick afterwards shortens it).
                    o.Runs = 3; o.Seconds = 10; o.Connections = [32]; o.Workloads = [Workload.Natural, Workload.Hot, Workload.FrontDesk];
                    o.Variants = [VariantNames.Sql, VariantNames.SqlAdvisory, VariantNames.SqlFn, VariantNames.Grains, VariantNames.Grpc];
                    break;
                case "--seed": o.Seed = NextInt(); break;
                case "--seed-parallelism": o.SeedParallelism = NextInt(); break;
                case "--search-queries": o.SearchQueries = NextInt(); break;
                case "--no-search": o.SkipSearch = true; break;
                case "--cold-clients": o.WarmClients = false; break;
                case "--grain-keys": o.GrainKeys = NextInt(); break;
                case "--profile": o.Profile = true; break;
                case "--soak": o.SoakMinutes = NextInt(); break;
                case "--binary-storage-serializer": GrainSilo.UseBinaryStorageSerializer = true; break;
                case "--help" or "-h": throw new HelpRequestedException();
                default: throw new ArgumentException($"Unknown option {name} (try --help).");
            }
        }
        if (o.SoakMinutes < 0)
        {
            throw new ArgumentException("--soak needs a positive number of minutes.");
        }
        if (o.SoakMinutes > 0)
        {
            // The soak runs the natural workload through the grains only; its callers come from the first --callers
            // (or --connections) value.
            o.Workloads = ["natural"];
            o.Variants = [VariantNames.Grains];
            o.SkipSearch = true;
        }
        if (o.Burst <= 0 || o.FrontDeskDays <= 0 || o.FrontDeskDays >= o.WindowDays)
        {
            throw new ArgumentException("--burst must be positive; --front-desk-days positive and below --window-days.");
        }
        if (o.Seconds <= 0 || o.Runs <= 0 || o.Connections.Count == 0 || o.Connections.Any(c => c <= 0))
        {
            throw new ArgumentException("--seconds, --runs and --connections must be positive.");
        }
        if (o.Callers is { } callers && callers.Count != o.Connections.Count)
        {
            throw new ArgumentException("--callers must list as many values as --connections (one per concurrency level).");
        }
        foreach (var w in o.Workloads)
        {
            if (w is not (Workload.Natural or Workload.Hot or Workload.FrontDesk))
            {
                throw new ArgumentException($"Unknown workload '{w}' ({Workload.Natural}, {Workload.Hot}, {Workload.FrontDesk}).");
            }
        }
        foreach (var v in o.Variants)
        {
            if (!VariantNames.Known.Contains(v))
            {
                throw new ArgumentException($"Unknown variant '{v}' ({string.Join(", ", VariantNames.Known)}).");
            }
        }
        return o;
    }

    /// <summary>The concurrency used by a variant at level <paramref name="level"/>: SQL connections, or grain callers.</summary>
    public int ConcurrencyFor(string variant, int level) =>
        VariantNames.IsSql(variant) ? Connections[level] : (Callers ?? Connections)[level];

    public const string Usage = """
        NmtPractice booking benchmark: grains vs plain SQL on the same PostgreSQL, side by side.

        dotnet run -c Release --project tests/NmtPractice.Benchmarks -- [options]

          --targets               the issue 10 targets table: natural, hot and front-desk; sql, sql-advisory, sql-fn,
                                  grains, grpc; 32 callers; medians of 3 runs x 10 s; availability through gRPC; silo
                                  memory; a met/missed line per target (about 15-20 minutes). Options after it override
                                  it, e.g. --targets --quick (1 run x 5 s, about 5 minutes)
          --quick                 1 run x 5 s (a few minutes in all)
          --seconds N             measured seconds per run (default 10)
          --runs N                runs per configuration; the table shows medians (default 1)
          --warmup N              unmeasured seconds before each run (default 2)
          --connections a,b       SQL connections per level (default 8,32)
          --callers a,b           grain and gRPC callers per level (default: same as --connections)
          --workload natural,hot  workloads: natural, hot, front-desk (default natural,hot)
                                  front-desk: 50 clinics, the next --front-desk-days (28) days; each simulated morning a
                                  burst of --burst (10) interactions per clinic, each a one-day availability search then
                                  a booking of an offered slot; gRPC (and grains) variants only; latency = search + book
          --variant v1,v2         sql, sql-advisory, sql-fn, grains, grains-keys, grpc (default: sql, sql-advisory,
                                  sql-fn, grains)
                                  sql-fn: one round trip per booking, a plpgsql function (advisory locks on therapist,
                                  room, client in that order; pre-check; insert) that the benchmark creates
                                  grains-keys: each caller books through its own IBookingGrain key
                                  grpc: the real server in-process (cluster mode on this PostgreSQL), callers book
                                  through BookingService.Book over one HTTP/2 channel on 127.0.0.1
          --history N             past appointments seeded into the ledger (default 200000)
          --clinics/--rooms/--therapists/--clients N   chain size (50 / 10 per clinic / 20 per clinic / 20000)
          --window-days N         natural workload's future window (default 90)
          --hot-slots N           slots the hot workload fights over (default 8)
          --grain-keys N          IBookingGrain keys callers spread over (default 1: key 0, like the tests)
          --cold-clients          do not pre-activate the client grains before each grain run
          --search-queries N      availability searches measured per path (grains, gRPC; default 500); --no-search skips them
          --profile               (or NMT_BENCH_PROFILE=1) time grain calls and SQL commands inside the silo
          --seed N                random seed of the input streams
          --soak MINUTES          instead of the comparison: the natural workload through the grains for MINUTES,
                                  with cancellations, one row a minute (bookings/s, cancels/s, p50/p99, working set,
                                  GC heap, activations, errors), 0 overlaps checked at the end; callers: the first
                                  --callers (or --connections) value
          --binary-storage-serializer  store grain state with Orleans' binary serializer instead of the product's

        NMT_BENCH_POSTGRES=<connection string> uses that server instead of a private one (its database is wiped).

        --reports runs the reports benchmark instead (usage tables vs the plain query over a seeded ledger);
        see --reports --help.
        """;
}

public sealed class HelpRequestedException : Exception
{
    public HelpRequestedException() : base("help") { }
    public HelpRequestedException(string message) : base(message) { }
    public HelpRequestedException(string message, Exception inner) : base(message, inner) { }
}

public static class VariantNames
{
    public const string Sql = "sql";
    public const string SqlAdvisory = "sql-advisory";
    /// <summary>One round trip per booking: a plpgsql function with advisory locks, pre-check and insert (see SqlFunctionDriver).</summary>
    public const string SqlFn = "sql-fn";
    public const string Grains = "grains";
    /// <summary>Grains, but each caller books through its own IBookingGrain key (see --grain-keys).</summary>
    public const string GrainsKeys = "grains-keys";

    /// <summary>The real server in-process (NmtServer, cluster mode), booking through BookingService.Book over HTTP/2 gRPC.</summary>
    public const string Grpc = "grpc";

    public static readonly IReadOnlyList<string> Known = [Sql, SqlAdvisory, SqlFn, Grains, GrainsKeys, Grpc];

    public static bool IsGrains(string variant) => variant is Grains or GrainsKeys;

    /// <summary>Variants that need the chain in grain storage.</summary>
    public static bool NeedsGrainChain(string variant) => IsGrains(variant) || variant == Grpc;

    public static bool IsSql(string variant) => variant is Sql or SqlAdvisory or SqlFn;
}
