using Microsoft.Extensions.DependencyInjection;
using NmtPractice.Domain;
using NmtPractice.Domain.Clients;
using NmtPractice.Domain.Clinics;
using NmtPractice.Domain.Scheduling;
using NmtPractice.Domain.Staff;
using NmtPractice.Domain.Time;
using NmtPractice.Grains.Abstractions.Accounts;
using Orleans;

namespace NmtPractice.Server;

/// <summary>
/// A realistic demo chain, seeded through the grains: four clinics in London and New York with rooms, features and
/// the three NMT services, six therapists on weekly and fortnightly rosters, ten clients, and a week of appointments.
/// Idempotent: existing clinics, therapists and clients are kept, and appointments use fixed request ids per
/// clinic, date and slot, so a second run the same day books nothing new.
/// Collections are arrays or lists on purpose: grain storage records the runtime collection type, and the
/// compiler-synthesized types of collection expressions in this assembly cannot be read back (see the report to the lead).
/// </summary>
public static class DemoSeeder
{
    public const string InitialAssessment = "nmt-initial";
    public const string FollowUp = "nmt-follow-up";
    public const string TriggerPoint = "trigger-point";

    private static readonly LocalDate RosterAnchor = new(2026, 1, 5);

    private static readonly IsoDayOfWeek[] Weekdays =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    /// <summary>
    /// Seeds the chain, then one staff account per role (<see cref="SeedUsersAsync"/>), whose credentials go to
    /// <paramref name="output"/> (the console by default) the one time they are created.
    /// </summary>
    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct = default, TextWriter? output = null)
    {
        await SeedChainAsync(services, ct);
        await SeedUsersAsync(services, output ?? Console.Out);
    }

    /// <summary>The demo staff accounts: email, display name, role, clinic, therapist.</summary>
    public static IReadOnlyList<(string Email, string Name, Role Role, string? Clinic, string? Therapist)> DemoUsers { get; } =
    [
        ("admin@demo.nmt-practice.test", "Demo Chain Admin", Role.ChainAdmin, null, null),
        ("manager.soho@demo.nmt-practice.test", "Demo Manager (Soho)", Role.ClinicManager, "london-soho", null),
        ("desk.soho@demo.nmt-practice.test", "Demo Front Desk (Soho)", Role.FrontDesk, "london-soho", null),
        ("amelia.hughes@demo.nmt-practice.test", "Amelia Hughes", Role.Therapist, "london-soho", "amelia-hughes"),
    ];

    /// <summary>
    /// Creates the <see cref="DemoUsers"/> that do not exist yet, each with a new random password, and writes the
    /// credentials of those just created to <paramref name="output"/> (not to the log). An account that exists is left
    /// alone: its password is neither printed again nor changed. Returns how many were created.
    /// </summary>
    public static async Task<int> SeedUsersAsync(IServiceProvider services, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        var grains = services.GetRequiredService<IGrainFactory>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoSeeder));
        var created = new List<(string Email, string Role, string Password)>();
        foreach (var (email, name, role, clinic, therapist) in DemoUsers)
        {
            var password = DemoPassword();
            var draft = new StaffUserDraft(email, name, role, clinic is null ? [] : new[] { clinic }, therapist);
            var result = await grains.GetGrain<IStaffUserGrain>(0).Create(draft, password);
            if (result.IsOk)
            {
                created.Add((email, role.WireName(), password));
            }
            else if (result.Refusal!.Reason != RefusalReason.AlreadyExists)
            {
                logger.LogWarning("Demo: staff account for {Role} refused: {Code} {Message}", role.WireName(), result.Refusal.Code, result.Refusal.Message);
            }
        }
        if (created.Count > 0)
        {
            await output.WriteLineAsync("Demo staff accounts (shown once; the passwords are stored hashed and cannot be shown again):");
            foreach (var (email, role, password) in created)
            {
                await output.WriteLineAsync($"  {role,-15} {email,-40} {password}");
            }
            await output.FlushAsync();
        }
        logger.LogInformation("Demo staff accounts: {Created} created, {Existing} existed already", created.Count, DemoUsers.Count - created.Count);
        return created.Count;
    }

    /// <summary>Four groups of five letters and digits (about 100 random bits), easy to copy.</summary>
    private static string DemoPassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        var chars = System.Security.Cryptography.RandomNumberGenerator.GetItems<char>(alphabet, 20);
        return string.Join('-', chars.Chunk(5).Select(group => new string(group)));
    }

    private static async Task SeedChainAsync(IServiceProvider services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        var grains = services.GetRequiredService<IGrainFactory>();
        var clock = services.GetService<IClock>() ?? SystemClock.Instance;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoSeeder));

        foreach (var clinic in Clinics())
        {
            await Expect(grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinic.Id)).Create(clinic), logger, $"clinic {clinic.Id}");
        }
        await Expect(grains.GetGrain<IChainGrain>(GrainKeys.Chain).SetTravel(new TravelMatrix(Duration.FromMinutes(30), new[]
        {
            new TravelTime("london-soho", "london-canary-wharf", Duration.FromMinutes(25)),
            new TravelTime("nyc-midtown", "nyc-brooklyn", Duration.FromMinutes(35)),
        })), logger, "travel times");
        foreach (var therapist in Therapists())
        {
            await Expect(grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapist.Id)).Create(therapist), logger, $"therapist {therapist.Id}");
        }
        var clients = Clients();
        foreach (var client in clients)
        {
            await Expect(grains.GetGrain<IClientGrain>(GrainKeys.Client(client.Id)).Register(client), logger, $"client {client.Id}");
        }

        var booked = 0;
        var clientIndex = 0;
        string[] services3 = [InitialAssessment, FollowUp, TriggerPoint];
        foreach (var clinic in Clinics())
        {
            var today = clock.GetCurrentInstant().InZone(clinic.Zone).Date;
            for (var day = 1; day <= 7; day++)
            {
                ct.ThrowIfCancellationRequested();
                var date = today.PlusDays(day);
                for (var n = 0; n < 3; n++)
                {
                    var serviceId = services3[(day + n) % services3.Length];
                    var slots = await grains.GetGrain<IBookingGrain>(0).SearchAvailability(new AvailabilityRequest(clinic.Id, serviceId, date, date));
                    if (slots.Value is not { Count: > 0 } free)
                    {
                        continue;
                    }
                    var slot = free[(free.Count * (n + 1) / 4) % free.Count];
                    var client = clients[clientIndex++ % clients.Count];
                    var result = await grains.GetGrain<IBookingGrain>(0).Book(new BookingRequest(
                        $"demo:{clinic.Id}:{date:yyyy-MM-dd}:{n}", clinic.Id, serviceId, slot.TherapistId, null, client.Id, slot.Start));
                    if (result.IsOk)
                    {
                        booked++;
                    }
                    else
                    {
                        logger.LogDebug("Demo booking at {Clinic} on {Date} refused: {Reason}", clinic.Id, date, result.Refusal!.Code);
                    }
                }
            }
        }
        logger.LogInformation("Demo chain ready: {Clinics} clinics, {Therapists} therapists, {Clients} clients, {Appointments} appointments in the coming week",
            Clinics().Count, Therapists().Count, clients.Count, booked);
    }

    private static async Task Expect<T>(Task<Result<T>> call, ILogger logger, string what)
    {
        var result = await call;
        if (result.Refusal is { Reason: not RefusalReason.AlreadyExists } refusal)
        {
            logger.LogWarning("Demo: {What} refused: {Code} {Message}", what, refusal.Code, refusal.Message);
        }
    }

    private static Service[] Services() =>
    [
        new(InitialAssessment, "NMT initial assessment", Duration.FromMinutes(75), Duration.FromMinutes(15), new[] { "hydraulic-table" }, "nmt-certified", 95m),
        new(FollowUp, "NMT follow-up", Duration.FromMinutes(45), Duration.FromMinutes(10), new[] { "hydraulic-table" }, "nmt-certified", 65m),
        new(TriggerPoint, "Trigger-point therapy", Duration.FromMinutes(30), Duration.FromMinutes(10), [], null, 40m),
    ];

    private static List<Clinic> Clinics() =>
    [
        Clinic("london-soho", "NMT Soho", "12 Greek Street, London W1D 4DH", "Europe/London",
            Hours(Weekdays, 8, 20).Concat(Hours([IsoDayOfWeek.Saturday], 9, 17)),
            [Room("soho-1", "Treatment room 1", "hydraulic-table", "quiet"), Room("soho-2", "Treatment room 2", "hydraulic-table"),
             Room("soho-3", "Accessible room", "hydraulic-table", "wheelchair-access")]),
        Clinic("london-canary-wharf", "NMT Canary Wharf", "25 Cabot Square, London E14 4QA", "Europe/London",
            Hours(Weekdays, 7, 19),
            [Room("cw-1", "Room A", "hydraulic-table", "wheelchair-access"), Room("cw-2", "Room B")]),
        Clinic("nyc-midtown", "NMT Midtown", "350 Fifth Avenue, New York, NY 10118", "America/New_York",
            Hours([.. Weekdays, IsoDayOfWeek.Saturday], 8, 20),
            [Room("mid-1", "Suite 1", "hydraulic-table", "quiet"), Room("mid-2", "Suite 2", "hydraulic-table"), Room("mid-3", "Suite 3")]),
        Clinic("nyc-brooklyn", "NMT Brooklyn", "100 Atlantic Avenue, Brooklyn, NY 11201", "America/New_York",
            Hours([IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday], 10, 18),
            [Room("bk-1", "Garden room", "hydraulic-table", "wheelchair-access"), Room("bk-2", "Studio")]),
    ];

    private static List<Therapist> Therapists()
    {
        var certified = new Qualification("nmt-certified", null);
        return
        [
            new("amelia-hughes", "Amelia Hughes", new[] { certified }, new[] { Weekly("london-soho", Weekdays, 9, 17) }, []),
            // Fortnightly: week 0 at Soho on Monday, Wednesday and Friday; week 1 at Canary Wharf on Tuesday and Thursday.
            new("oliver-patel", "Oliver Patel", new[] { certified }, new[]
            {
                Fortnightly("london-soho", 0, [IsoDayOfWeek.Monday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Friday], 10, 18),
                Fortnightly("london-canary-wharf", 1, [IsoDayOfWeek.Tuesday, IsoDayOfWeek.Thursday], 8, 16),
            }, []),
            new("isla-morgan", "Isla Morgan", [], new[] { Weekly("london-canary-wharf", Weekdays, 8, 16) }, []),
            new("james-carter", "James Carter", new[] { certified }, new[] { Weekly("nyc-midtown", Weekdays, 9, 17) }, []),
            new("sofia-ramirez", "Sofia Ramirez", new[] { certified }, new[]
            {
                Weekly("nyc-midtown", [IsoDayOfWeek.Saturday], 9, 17),
                Fortnightly("nyc-brooklyn", 0, [IsoDayOfWeek.Tuesday, IsoDayOfWeek.Thursday], 10, 18),
                Fortnightly("nyc-brooklyn", 1, [IsoDayOfWeek.Wednesday, IsoDayOfWeek.Friday], 10, 18),
            }, []),
            new("ethan-brooks", "Ethan Brooks", new[] { new Qualification("nmt-certified", new LocalDate(2030, 12, 31)) },
                new[] { Weekly("nyc-brooklyn", [IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday], 10, 18) }, []),
        ];
    }

    private static List<Client> Clients() =>
    [
        new("client-0001", "Grace", "Thompson", "+44 20 7946 0101", "grace.thompson@example.org", new LocalDate(1984, 3, 12)),
        new("client-0002", "Harry", "Wilson", "+44 20 7946 0102", "harry.wilson@example.org", new LocalDate(1979, 11, 2)),
        new("client-0003", "Priya", "Shah", "+44 20 7946 0103", "priya.shah@example.org", null),
        new("client-0004", "Tom", "Evans", "+44 20 7946 0104", null, new LocalDate(1991, 6, 30)),
        new("client-0005", "Chloe", "Roberts", null, "chloe.roberts@example.org", null),
        new("client-0006", "Marcus", "Johnson", "+1 212 555 0106", "marcus.johnson@example.org", new LocalDate(1988, 1, 17)),
        new("client-0007", "Emily", "Chen", "+1 212 555 0107", "emily.chen@example.org", null),
        new("client-0008", "Daniel", "Garcia", "+1 718 555 0108", null, new LocalDate(1975, 9, 9)),
        new("client-0009", "Aisha", "Okafor", "+1 718 555 0109", "aisha.okafor@example.org", null),
        new("client-0010", "Noah", "Miller", "+1 212 555 0110", "noah.miller@example.org", new LocalDate(2000, 4, 4)),
    ];

    private static Clinic Clinic(string id, string name, string address, string zone, IEnumerable<OpeningRange> hours, List<Room> rooms) =>
        new(id, name, address, zone, hours.ToArray(), [], Domain.Clinics.Clinic.DefaultCancellationWindow, rooms, Services());

    private static Room Room(string id, string name, params string[] features) => new(id, name, features, []);

    private static IEnumerable<OpeningRange> Hours(IEnumerable<IsoDayOfWeek> days, int open, int close) =>
        days.Select(d => new OpeningRange(d, new LocalTimeRange(new LocalTime(open, 0), new LocalTime(close, 0))));

    private static Roster Weekly(string clinicId, IEnumerable<IsoDayOfWeek> days, int start, int end) =>
        new(clinicId, 1, RosterAnchor, days.Select(d => new RosterShift(0, d, new LocalTimeRange(new LocalTime(start, 0), new LocalTime(end, 0)))).ToArray());

    private static Roster Fortnightly(string clinicId, int week, IEnumerable<IsoDayOfWeek> days, int start, int end) =>
        new(clinicId, 2, RosterAnchor, days.Select(d => new RosterShift(week, d, new LocalTimeRange(new LocalTime(start, 0), new LocalTime(end, 0)))).ToArray());
}
