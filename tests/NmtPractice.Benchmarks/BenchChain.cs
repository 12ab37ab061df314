using NmtPractice.Domain.Clients;
using NmtPractice.Domain.Clinics;
using NmtPractice.Domain.Staff;
using NmtPractice.Domain.Time;
using NmtPractice.Grains;
using NodaTime;
using Orleans;

namespace NmtPractice.Benchmarks;

/// <summary>
/// The benchmark's chain, as plain data: clinics (open 08:00-20:00 daily) in a few time zones, rooms with features,
/// four services, therapists rostered five days a week at their clinic, clients. The workload generators and the
/// history seeder read it; the grain variant gets it through the config grains.
/// </summary>
public sealed class BenchChain
{
    public static readonly LocalTime Opens = new(8, 0);
    public static readonly LocalTime Closes = new(20, 0);
    public const string HydraulicTable = "hydraulic-table";
    public const string NmtCertified = "nmt-certified";

    private static readonly string[] Zones = ["Europe/London", "America/New_York", "Europe/Berlin", "America/Chicago", "Europe/Dublin"];

    public static readonly IReadOnlyList<Service> Services =
    [
        new("trigger-30", "Trigger-point therapy, 30 min", Duration.FromMinutes(30), Duration.FromMinutes(10), [], null, 40m),
        new("nmt-45", "NMT follow-up, 45 min", Duration.FromMinutes(45), Duration.FromMinutes(10), [], NmtCertified, 55m),
        new("nmt-60", "NMT session, 60 min", Duration.FromMinutes(60), Duration.FromMinutes(15), [HydraulicTable], NmtCertified, 70m),
        new("nmt-75", "NMT initial assessment, 75 min", Duration.FromMinutes(75), Duration.FromMinutes(15), [HydraulicTable], NmtCertified, 90m),
    ];

    public BenchChain(BenchOptions o)
    {
        ClinicCount = o.Clinics;
        RoomsPerClinic = o.RoomsPerClinic;
        TherapistsPerClinic = o.TherapistsPerClinic;
        ClientCount = o.Clients;
        Clinics = Enumerable.Range(0, o.Clinics).Select(BuildClinic).ToList();
        Therapists = Clinics.SelectMany((c, ci) => Enumerable.Range(0, o.TherapistsPerClinic).Select(j => BuildTherapist(ci, j))).ToList();
    }

    public int ClinicCount { get; }
    public int RoomsPerClinic { get; }
    public int TherapistsPerClinic { get; }
    public int ClientCount { get; }
    public IReadOnlyList<Clinic> Clinics { get; }
    public IReadOnlyList<Therapist> Therapists { get; }

    public static string ClinicId(int c) => $"c{c:000}";
    public static string RoomId(int r) => $"r{r + 1:00}";
    public static string TherapistId(int c, int j) => $"t{c:000}-{j:00}";
    public static string ClientId(int k) => $"cl{k:000000}";

    public Therapist Therapist(int clinic, int j) => Therapists[clinic * TherapistsPerClinic + j];

    /// <summary>Rooms 1..60% have a hydraulic table (the NMT services need one).</summary>
    public int HydraulicRooms => Math.Max(1, RoomsPerClinic * 6 / 10);

    /// <summary>80% of therapists are NMT-certified.</summary>
    public static bool IsCertified(int j) => j % 5 != 4;

    /// <summary>Each therapist has two days off a week, spread over the team.</summary>
    public static bool WorksOn(int j, IsoDayOfWeek day)
    {
        var d = (int)day - 1; // 0..6
        return d != j % 7 && d != (j + 3) % 7;
    }

    private Clinic BuildClinic(int c)
    {
        var everyDay = Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)
            .Select(d => new OpeningRange(d, new LocalTimeRange(Opens, Closes))).ToList();
        var rooms = Enumerable.Range(0, RoomsPerClinic).Select(r =>
        {
            var features = new List<string>();
            if (r < HydraulicRooms)
            {
                features.Add(HydraulicTable);
            }
            if (r < 2)
            {
                features.Add("quiet");
            }
            if (r % 3 == 2)
            {
                features.Add("wheelchair-access");
            }
            return new Room(RoomId(r), $"Room {r + 1}", features, []);
        }).ToList();
        return new Clinic(ClinicId(c), $"Clinic {c}", $"{c + 1} High Street", Zones[c % Zones.Length], everyDay, [],
            Clinic.DefaultCancellationWindow, rooms, [.. Services]);
    }

    private Therapist BuildTherapist(int c, int j)
    {
        var shifts = Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None && WorksOn(j, d))
            .Select(d => new RosterShift(0, d, new LocalTimeRange(Opens, Closes))).ToList();
        var roster = new Roster(ClinicId(c), 1, new LocalDate(2025, 1, 6), shifts);
        IReadOnlyList<Qualification> quals = IsCertified(j) ? [new Qualification(NmtCertified, null)] : [];
        return new Therapist(TherapistId(c, j), $"Therapist {c}-{j}", quals, [roster], []);
    }

    /// <summary>Creates clinics, therapists and clients through their grains, with bounded parallelism.</summary>
    public async Task SeedGrainsAsync(IGrainFactory grains, int parallelism, Action<string> progress, CancellationToken ct)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct };
        await Parallel.ForEachAsync(Clinics, options, async (clinic, _) =>
            Check(await grains.GetGrain<IClinicGrain>(Keys.Clinic(clinic.Id)).Create(clinic), clinic.Id));
        progress($"{Clinics.Count} clinics");
        var done = 0;
        await Parallel.ForEachAsync(Therapists, options, async (t, _) =>
        {
            Check(await grains.GetGrain<ITherapistGrain>(Keys.Therapist(t.Id)).Create(t), t.Id);
            if (Interlocked.Increment(ref done) % 250 == 0)
            {
                progress($"{done}/{Therapists.Count} therapists");
            }
        });
        done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, ClientCount), options, async (k, _) =>
        {
            var id = ClientId(k);
            Check(await grains.GetGrain<IClientGrain>(Keys.Client(id)).Register(
                new Client(id, "Client", $"No{k}", "+44 20 7946 0000", $"client{k}@example.org", null)), id);
            if (Interlocked.Increment(ref done) % 5000 == 0)
            {
                progress($"{done}/{ClientCount} clients");
            }
        });
    }

    private static void Check<T>(Result<T> result, string id)
    {
        if (!result.IsOk && result.Refusal!.Reason != Domain.Scheduling.RefusalReason.AlreadyExists)
        {
            throw new InvalidOperationException($"Seeding {id} failed: {result.Refusal.Code} {result.Refusal.Message}");
        }
    }
}
