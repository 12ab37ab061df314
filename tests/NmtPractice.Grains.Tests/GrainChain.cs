using NmtPractice.Testing;

namespace NmtPractice.Grains.Tests;

/// <summary>Loads a <see cref="SampleChain"/> through the grains: clinics, therapists and clients with ids unique to one test.</summary>
public sealed class GrainChain(IGrainFactory grains, string prefix)
{
    public const string Nmt60 = SampleChain.Nmt60Id;
    public const string Trigger30 = SampleChain.Trigger30Id;
    public static readonly LocalTimeRange Open = SampleChain.EightToEight;

    public IGrainFactory Grains => grains;

    public string Id(string name) => $"{prefix}-{name}";

    public static Service Nmt60Service => SampleChain.Nmt60;

    public static Service Trigger30Service => SampleChain.Trigger30;

    /// <summary>Creates the sample clinic (open 08:00-20:00 every day, rooms r1..r<paramref name="rooms"/>, both services) in <paramref name="zone"/>.</summary>
    public async Task<Clinic> Clinic(string name, string zone = SampleChain.London, int rooms = 3)
    {
        var clinic = SampleChain.Clinic(Id(name), name: $"Clinic {name}", zone: zone, rooms: SampleChain.TreatmentRooms(rooms));
        var result = await grains.GetGrain<IClinicGrain>(GrainKeys.Clinic(clinic.Id)).Create(clinic);
        Assert.True(result.IsOk, result.Refusal?.Message);
        return result.Value!;
    }

    /// <summary>Creates an nmt-certified therapist rostered 08:00-20:00 every day at each of <paramref name="clinicIds"/>.</summary>
    public async Task<Therapist> Therapist(string name, params string[] clinicIds)
    {
        var therapist = SampleChain.RosteredEverywhere(Id(name), $"Therapist {name}", Open, clinicIds);
        var result = await grains.GetGrain<ITherapistGrain>(GrainKeys.Therapist(therapist.Id)).Create(therapist);
        Assert.True(result.IsOk, result.Refusal?.Message);
        return result.Value!;
    }

    public async Task<Client> Client(string name)
    {
        var client = SampleChain.Client(Id(name), name);
        var result = await grains.GetGrain<IClientGrain>(GrainKeys.Client(client.Id)).Register(client);
        Assert.True(result.IsOk, result.Refusal?.Message);
        return result.Value!;
    }

    /// <summary>A clinic-local date far enough ahead that nothing is in the past.</summary>
    public static LocalDate FutureDate(int daysAhead = 20) =>
        ClusterFixture.Clock.GetCurrentInstant().InUtc().Date.PlusDays(daysAhead);

    public static Instant At(LocalDate date, int hour, int minute = 0, string zone = SampleChain.London) =>
        date.At(new LocalTime(hour, minute)).InZoneStrictly(TimeZones.Get(zone)).ToInstant();

    public Task<Result<AppointmentRecord>> Book(string clinicId, string? therapistId, string clientId, Instant start,
        string service = Nmt60, string? roomId = null, string? requestId = null, Duration? holdFor = null) =>
        grains.GetGrain<IBookingGrain>(0).Book(new BookingRequest(requestId ?? Guid.NewGuid().ToString(), clinicId, service, therapistId, roomId, clientId, start, holdFor));

    public IAppointmentGrain Appointment(Guid id) => grains.GetGrain<IAppointmentGrain>(id);
}
