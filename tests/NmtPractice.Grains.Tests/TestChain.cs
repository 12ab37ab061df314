namespace NmtPractice.Grains.Tests;

/// <summary>Builds clinics, therapists and clients through the grains, with ids unique to one test.</summary>
public sealed class TestChain(IGrainFactory grains, string prefix)
{
    public const string Nmt60 = "nmt-60";
    public const string Trigger30 = "trigger-30";
    public static readonly LocalTimeRange Open = new(new LocalTime(8, 0), new LocalTime(20, 0));

    public IGrainFactory Grains => grains;

    public string Id(string name) => $"{prefix}-{name}";

    public static Service Nmt60Service => new(Nmt60, "NMT follow-up, 60 min", Duration.FromMinutes(60), Duration.FromMinutes(15), ["hydraulic-table"], "nmt-certified", 70m);

    public static Service Trigger30Service => new(Trigger30, "Trigger-point therapy, 30 min", Duration.FromMinutes(30), Duration.FromMinutes(10), [], null, 40m);

    public async Task<Clinic> Clinic(string name, string zone = "Europe/London", int rooms = 3)
    {
        var id = Id(name);
        var clinic = new Clinic(id, $"Clinic {name}", "1 High Street", zone,
            [.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None).Select(d => new OpeningRange(d, Open))],
            [], NmtPractice.Domain.Clinics.Clinic.DefaultCancellationWindow,
            [.. Enumerable.Range(1, rooms).Select(i => new Room($"r{i}", $"Room {i}", i == 1 ? ["hydraulic-table", "quiet"] : ["hydraulic-table"], []))],
            [Nmt60Service, Trigger30Service]);
        var result = await grains.GetGrain<IClinicGrain>(Keys.Clinic(id)).Create(clinic);
        Assert.True(result.IsOk, result.Refusal?.Message);
        return result.Value!;
    }

    public async Task<Therapist> Therapist(string name, params string[] clinicIds)
    {
        var id = Id(name);
        var rosters = clinicIds.Select(c => new Roster(c, 1, new LocalDate(2026, 1, 5),
            [.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None).Select(d => new RosterShift(0, d, Open))])).ToList();
        var therapist = new Therapist(id, $"Therapist {name}", [new Qualification("nmt-certified", null)], rosters, []);
        var result = await grains.GetGrain<ITherapistGrain>(Keys.Therapist(id)).Create(therapist);
        Assert.True(result.IsOk, result.Refusal?.Message);
        return result.Value!;
    }

    public async Task<Client> Client(string name)
    {
        var id = Id(name);
        var result = await grains.GetGrain<IClientGrain>(Keys.Client(id)).Register(new Client(id, "Given", name, "+44 20 7946 0000", $"{name}@example.org", null));
        Assert.True(result.IsOk, result.Refusal?.Message);
        return result.Value!;
    }

    /// <summary>A clinic-local date far enough ahead that nothing is in the past.</summary>
    public static LocalDate FutureDate(int daysAhead = 20) =>
        ClusterFixture.Clock.GetCurrentInstant().InUtc().Date.PlusDays(daysAhead);

    public static Instant At(LocalDate date, int hour, int minute = 0, string zone = "Europe/London") =>
        date.At(new LocalTime(hour, minute)).InZoneStrictly(TimeZones.Get(zone)).ToInstant();

    public Task<Result<AppointmentRecord>> Book(string clinicId, string? therapistId, string clientId, Instant start,
        string service = Nmt60, string? roomId = null, string? requestId = null, Duration? holdFor = null) =>
        grains.GetGrain<IBookingGrain>(0).Book(new BookingRequest(requestId ?? Guid.NewGuid().ToString(), clinicId, service, therapistId, roomId, clientId, start, holdFor));

    public IAppointmentGrain Appointment(Guid id) => grains.GetGrain<IAppointmentGrain>(id);
}
