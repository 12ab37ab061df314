using NmtPractice.Domain.Clients;
using NmtPractice.Domain.Clinics;
using NmtPractice.Domain.Staff;
using NmtPractice.Domain.Time;
using NmtPractice.Testing;
using NodaTime;
using Orleans;

namespace NmtPractice.Benchmarks;

/// <summary>
/// The benchmark's chain, as plain data: clinics (open 08:00-20:00 daily) in a few time zones, rooms with features,
/// four services, therapists rostered five days a week at their clinic, clients. The workload generators and the
/// history seeder read it; the grain variant gets it through the config grains. Built from the shared
/// <see cref="SampleChain"/> pieces; this class adds only what a benchmark needs: many generated clinics, staff and clients.
/// </summary>
public sealed class BenchChain
{
    public static readonly LocalTime Opens = SampleChain.EightToEight.Start;
    public static readonly LocalTime Closes = SampleChain.EightToEight.End;
    public const string HydraulicTable = SampleChain.HydraulicTable;
    public const string NmtCertified = SampleChain.NmtCertified;

    private static readonly string[] Zones = [SampleChain.London, SampleChain.NewYork, "Europe/Berlin", "America/Chicago", "Europe/Dublin"];

    public static readonly IReadOnlyList<Service> Services =
    [
        SampleChain.Trigger30,
        SampleChain.Service("nmt-45", "NMT follow-up, 45 min", 45, 10, 55m, NmtCertified),
        SampleChain.Service(SampleChain.Nmt60Id, "NMT session, 60 min", 60, 15, 70m, NmtCertified, HydraulicTable),
        SampleChain.Service("nmt-75", "NMT initial assessment, 75 min", 75, 15, 90m, NmtCertified, HydraulicTable),
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
            return SampleChain.Room(RoomId(r), $"Room {r + 1}", [.. features]);
        }).ToList();
        return SampleChain.Clinic(ClinicId(c), name: $"Clinic {c}", zone: Zones[c % Zones.Length], rooms: rooms, services: [.. Services],
            address: $"{c + 1} High Street");
    }

    private Therapist BuildTherapist(int c, int j)
    {
        var roster = SampleChain.Weekly(ClinicId(c), SampleChain.EveryDay.Where(d => WorksOn(j, d)), SampleChain.EightToEight, new LocalDate(2025, 1, 6));
        IReadOnlyList<Qualification> quals = IsCertified(j) ? [SampleChain.Certified()] : [];
        return SampleChain.Therapist(TherapistId(c, j), [roster], name: $"Therapist {c}-{j}", qualifications: quals);
    }

    /// <summary>Creates clinics, therapists and clients through their grains, with bounded parallelism.</summary>
    public async Task SeedGrainsAsync(IGrainFactory grains, int parallelism, Action<string> progress, CancellationToken ct)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct };
        await Parallel.ForEachAsync(Clinics, options, async (clinic, _) =>
            Check(await grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinic.Id)).Create(clinic), clinic.Id));
        progress($"{Clinics.Count} clinics");
        var done = 0;
        await Parallel.ForEachAsync(Therapists, options, async (t, _) =>
        {
            Check(await grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(t.Id)).Create(t), t.Id);
            if (Interlocked.Increment(ref done) % 250 == 0)
            {
                progress($"{done}/{Therapists.Count} therapists");
            }
        });
        done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, ClientCount), options, async (k, _) =>
        {
            var id = ClientId(k);
            Check(await grains.GetGrain<IClientGrain>(GrainKeys.Client(id)).Register(
                SampleChain.Client(id, $"No{k}", givenName: "Client", email: $"client{k}@example.org")), id);
            if (Interlocked.Increment(ref done) % 5000 == 0)
            {
                progress($"{done}/{ClientCount} clients");
            }
        });
    }

    private static void Check<T>(Result<T> result, string id)
    {
        if (!result.IsOk && result.Refusal!.Reason != Domain.RefusalReason.AlreadyExists)
        {
            throw new InvalidOperationException($"Seeding {id} failed: {result.Refusal.Code} {result.Refusal.Message}");
        }
    }
}
