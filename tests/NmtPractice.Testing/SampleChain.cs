using NmtPractice.Domain.Clients;
using NmtPractice.Domain.Clinics;
using NmtPractice.Domain.Staff;
using NmtPractice.Domain.Time;
using NodaTime;

namespace NmtPractice.Testing;

/// <summary>
/// The one builder of a sample chain for every test project, as plain Domain objects: clinics with their opening hours,
/// rooms and services, therapists with their qualifications and rosters, clients. Every value a test depends on can be
/// given; the defaults are the chain most tests use (a London clinic open 08:00-20:00 every day, three rooms, an NMT
/// session and a trigger-point service; a certified therapist rostered there whenever it is open). The suites load these
/// objects through their own transport: <c>GrainChain</c> (Grains.Tests) through the grains, <c>ApiChain</c>
/// (EndToEnd.Tests) through the gRPC API, <c>BenchChain</c> (Benchmarks) through either.
/// </summary>
public static class SampleChain
{
    public const string London = "Europe/London";
    public const string NewYork = "America/New_York";

    public const string NmtCertified = "nmt-certified";
    public const string HydraulicTable = "hydraulic-table";
    public const string Quiet = "quiet";
    public const string WheelchairAccess = "wheelchair-access";

    public const string Address = "1 High Street";
    public const string Phone = "+44 20 7946 0000";

    /// <summary>A Monday: week 0 of the sample rosters.</summary>
    public static readonly LocalDate RosterAnchor = new(2026, 1, 5);

    /// <summary>08:00-20:00, the sample clinic's day.</summary>
    public static readonly LocalTimeRange EightToEight = new(new LocalTime(8, 0), new LocalTime(20, 0));

    /// <summary>00:00-24:00: open (or rostered) round the clock.</summary>
    public static readonly LocalTimeRange RoundTheClock = new(LocalTime.Midnight, LocalTime.Midnight);

    public static readonly IsoDayOfWeek[] MondayToFriday =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    public static readonly IsoDayOfWeek[] MondayToSaturday = [.. MondayToFriday, IsoDayOfWeek.Saturday];

    public static readonly IsoDayOfWeek[] EveryDay = [.. MondayToSaturday, IsoDayOfWeek.Sunday];

    public const string Nmt60Id = "nmt-60";
    public const string Trigger30Id = "trigger-30";

    /// <summary>60 min NMT session, 15 min turnover, needs a hydraulic table and an nmt-certified therapist.</summary>
    public static readonly Service Nmt60 = Service(Nmt60Id, "NMT follow-up, 60 min", 60, 15, 70m, NmtCertified, HydraulicTable);

    /// <summary>30 min trigger-point therapy, 10 min turnover, no requirements.</summary>
    public static readonly Service Trigger30 = Service(Trigger30Id, "Trigger-point therapy, 30 min", 30, 10, 40m);

    public static Service Service(string id, string name, int minutes, int turnoverMinutes, decimal price, string? qualification = null, params string[] features) =>
        new(id, name, Duration.FromMinutes(minutes), Duration.FromMinutes(turnoverMinutes), features, qualification, price);

    public static Room Room(string id, string name, params string[] features) => new(id, name, features, []);

    /// <summary>Rooms r1..r<paramref name="count"/> ("Room 1"...), all with a hydraulic table; r1 is also quiet.</summary>
    public static IReadOnlyList<Room> TreatmentRooms(int count = 3) =>
        Enumerable.Range(1, count).Select(i => i == 1 ? Room("r1", "Room 1", HydraulicTable, Quiet) : Room($"r{i}", $"Room {i}", HydraulicTable)).ToList();

    public static IReadOnlyList<OpeningRange> Open(IEnumerable<IsoDayOfWeek> days, LocalTimeRange hours) =>
        days.Select(d => new OpeningRange(d, hours)).ToList();

    /// <summary>A clinic; by default open 08:00-20:00 every day, with <see cref="TreatmentRooms"/> and <see cref="Nmt60"/> and <see cref="Trigger30"/>.</summary>
    public static Clinic Clinic(
        string id,
        string? name = null,
        string zone = London,
        IReadOnlyList<OpeningRange>? hours = null,
        IReadOnlyList<Room>? rooms = null,
        IReadOnlyList<Service>? services = null,
        IReadOnlyList<Closure>? closures = null,
        string address = Address) =>
        new(id, name ?? $"Clinic {id}", address, zone,
            hours ?? Open(EveryDay, EightToEight),
            closures ?? [],
            Domain.Clinics.Clinic.DefaultCancellationWindow,
            rooms ?? TreatmentRooms(),
            services ?? [Nmt60, Trigger30]);

    /// <summary>A one-week roster at <paramref name="clinicId"/>: <paramref name="hours"/> on each of <paramref name="days"/>.</summary>
    public static Roster Weekly(string clinicId, IEnumerable<IsoDayOfWeek> days, LocalTimeRange hours, LocalDate? anchor = null) =>
        new(clinicId, 1, anchor ?? RosterAnchor, days.Select(d => new RosterShift(0, d, hours)).ToList());

    /// <summary>An nmt-certified qualification, valid until <paramref name="expiresOn"/> (or for good).</summary>
    public static Qualification Certified(LocalDate? expiresOn = null) => new(NmtCertified, expiresOn);

    /// <summary>A therapist; by default nmt-certified for good, with no roster exceptions.</summary>
    public static Therapist Therapist(
        string id,
        IReadOnlyList<Roster> rosters,
        string? name = null,
        IReadOnlyList<Qualification>? qualifications = null,
        IReadOnlyList<RosterException>? exceptions = null) =>
        new(id, name ?? $"Therapist {id}", qualifications ?? [Certified()], rosters, exceptions ?? []);

    /// <summary>A therapist rostered 08:00-20:00 every day (or <paramref name="hours"/>) at each of <paramref name="clinicIds"/>.</summary>
    public static Therapist RosteredEverywhere(string id, string name, LocalTimeRange hours, params string[] clinicIds) =>
        Therapist(id, clinicIds.Select(c => Weekly(c, EveryDay, hours)).ToList(), name);

    /// <summary>A client named "<paramref name="givenName"/> <paramref name="familyName"/>", by default with the sample phone and a matching e-mail.</summary>
    public static Client Client(string id, string familyName, string givenName = "Given", string? phone = Phone, string? email = null) =>
        new(id, givenName, familyName, phone, email ?? $"{familyName}@example.org", null);
}
