using System.Globalization;

namespace NmtPractice.Server.Seeding;

/// <summary>
/// What the <c>seed</c> command builds: a chain of <see cref="Clinics"/> clinics (spread over six time zones) with
/// <see cref="RoomsPerClinic"/> rooms each, <see cref="Therapists"/> therapists on fortnightly rotating rosters,
/// <see cref="Clients"/> clients, and exactly <see cref="Appointments"/> appointments over <see cref="Days"/> days, the
/// last <see cref="FutureDays"/> of which lie ahead. The same options and <see cref="Seed"/> give the same chain.
/// </summary>
public sealed record SeedOptions
{
    public int Clinics { get; init; } = 50;
    public int RoomsPerClinic { get; init; } = 10;
    public int Therapists { get; init; } = 500;
    public int Clients { get; init; } = 100_000;
    public int Appointments { get; init; } = 1_000_000;
    public int Days { get; init; } = 365;
    public int FutureDays { get; init; } = 91;
    public int Seed { get; init; } = 42;

    /// <summary>Concurrent grain calls while registering therapists and clients.</summary>
    public int Parallelism { get; init; } = 64;

    public const string Usage = """
        nmt server seed: seeds a large chain for trials and benchmarks (configuration through the grains,
        appointments by bulk COPY into the ledger). Options (defaults in brackets):
          --clinics N        clinics, spread over six time zones [50]
          --rooms N          rooms per clinic [10]
          --therapists N     therapists, fortnightly rotating rosters [500]
          --clients N        clients, registered through the client grains [100000]
          --appointments N   appointments written to the ledger [1000000]
          --days N           days the appointments cover [365]
          --future-days N    of which in the future, from today [91]
          --seed N           random seed; the same seed gives the same chain [42]
          --parallelism N    concurrent grain calls while seeding [64]
        plus the server's own options: --data-dir DIR or --connection-string CS, --Nmt:... settings.
        """;

    /// <summary>
    /// Reads the seed options from the command line and returns the other arguments for the server
    /// (configuration, --data-dir, --connection-string...). Throws <see cref="ArgumentException"/> on a bad value.
    /// </summary>
    public static (SeedOptions Options, string[] ServerArgs) Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new SeedOptions();
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var (name, inline) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            int Value(int min)
            {
                var text = inline ?? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value."));
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
                {
                    throw new ArgumentException($"{name} must be a whole number of at least {min} (got '{text}').");
                }
                return value;
            }
            switch (name.ToLowerInvariant())
            {
                case "--clinics": o = o with { Clinics = Value(1) }; break;
                case "--rooms": o = o with { RoomsPerClinic = Value(1) }; break;
                case "--therapists": o = o with { Therapists = Value(1) }; break;
                case "--clients": o = o with { Clients = Value(1) }; break;
                case "--appointments": o = o with { Appointments = Value(0) }; break;
                case "--days": o = o with { Days = Value(1) }; break;
                case "--future-days": o = o with { FutureDays = Value(0) }; break;
                case "--seed": o = o with { Seed = Value(0) }; break;
                case "--parallelism": o = o with { Parallelism = Value(1) }; break;
                default: rest.Add(arg); break;
            }
        }
        if (o.FutureDays > o.Days)
        {
            throw new ArgumentException($"--future-days ({o.FutureDays}) cannot exceed --days ({o.Days}).");
        }
        if (o.Therapists < o.Clinics)
        {
            throw new ArgumentException($"--therapists ({o.Therapists}) must be at least --clinics ({o.Clinics}): every clinic needs a therapist.");
        }
        return (o, [.. rest]);
    }
}
