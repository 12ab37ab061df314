using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using NmtPractice.Api.V1;
using NodaTime;
using NodaTime.Text;
using V1DayOfWeek = NmtPractice.Api.V1.DayOfWeek;

namespace NmtPractice.Browser.Tests;

/// <summary>
/// The browser tests' chain, loaded through the gRPC API as a chain admin: one London clinic open 08:00-20:00 every
/// day with three rooms, a 60-minute NMT session (15 minutes' turnover) and a 30-minute trigger-point service, and two
/// certified therapists rostered whenever it is open. Its cancellation window is 14 days, so cancelling any booking
/// in the tests' next few days is a late cancellation, whatever the time of day the suite runs.
/// </summary>
public sealed class TestChain
{
    public const string ClinicId = "web-soho";
    public const string ClinicName = "NMT Soho (test)";
    public const string Zone = "Europe/London";
    public const string Nmt60 = "nmt-60";
    public const string Trigger30 = "trigger-30";
    public const int CancellationWindowMinutes = 14 * 24 * 60;
    public static readonly string[] TherapistIds = ["ana-silva", "ben-okoro"];

    private static readonly DateTimeZone London = DateTimeZoneProviders.Tzdb[Zone];

    private TestChain(CallInvoker admin) => Admin = admin;

    public CallInvoker Admin { get; }

    public static async Task<TestChain> CreateAsync(CallInvoker admin)
    {
        var clinics = new ClinicService.ClinicServiceClient(admin);
        var create = new CreateClinicRequest
        {
            RequestId = NewRequestId(),
            ClinicId = ClinicId,
            Name = ClinicName,
            Address = "12 Greek Street, London",
            TimeZone = Zone,
            CancellationWindowMinutes = CancellationWindowMinutes,
        };
        foreach (var day in EveryDay)
        {
            create.OpeningHours.Add(new OpeningRange { Day = day, Start = "08:00", End = "20:00" });
        }
        create.Rooms.Add(new Room { RoomId = "r1", Name = "Treatment room 1", Features = { "hydraulic-table", "quiet" } });
        create.Rooms.Add(new Room { RoomId = "r2", Name = "Treatment room 2", Features = { "hydraulic-table" } });
        create.Rooms.Add(new Room { RoomId = "r3", Name = "Accessible room", Features = { "hydraulic-table", "wheelchair-access" } });
        create.Services.Add(new Service
        {
            ServiceId = Nmt60, Name = "NMT session", DurationMinutes = 60, TurnoverMinutes = 15,
            RequiredFeatures = { "hydraulic-table" }, RequiredQualification = "nmt-certified", PriceMinor = 7000,
        });
        create.Services.Add(new Service { ServiceId = Trigger30, Name = "Trigger-point therapy", DurationMinutes = 30, TurnoverMinutes = 10, PriceMinor = 4000 });
        await clinics.CreateClinicAsync(create);

        var staff = new StaffService.StaffServiceClient(admin);
        string[] names = ["Ana Silva", "Ben Okoro"];
        for (var i = 0; i < TherapistIds.Length; i++)
        {
            var roster = new Roster { ClinicId = ClinicId, CycleWeeks = 1, AnchorDate = "2026-01-05" };
            foreach (var day in EveryDay)
            {
                roster.Shifts.Add(new RosterShift { Week = 0, Day = day, Start = "08:00", End = "20:00" });
            }
            await staff.CreateTherapistAsync(new CreateTherapistRequest
            {
                RequestId = NewRequestId(),
                TherapistId = TherapistIds[i],
                Name = names[i],
                Qualifications = { new Qualification { Code = "nmt-certified" } },
                Rosters = { roster },
            });
        }
        return new TestChain(admin);
    }

    /// <summary>The clinic's local date <paramref name="daysAhead"/> days from now.</summary>
    public static LocalDate Date(int daysAhead) => SystemClock.Instance.GetCurrentInstant().InZone(London).Date.PlusDays(daysAhead);

    public static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static Timestamp At(LocalDate date, int hour, int minute = 0) =>
        Timestamp.FromDateTimeOffset(date.At(new LocalTime(hour, minute)).InZoneStrictly(London).ToDateTimeOffset());

    public async Task<Client> RegisterClientAsync(string given, string family) =>
        await new ClientService.ClientServiceClient(Admin).RegisterClientAsync(new RegisterClientRequest
        {
            RequestId = NewRequestId(),
            Client = new Client { ClientId = "c-" + Guid.NewGuid().ToString("N")[..10], GivenName = given, FamilyName = family, Phone = "+44 20 7946 0" + Random.Shared.Next(100, 999), Email = $"{given}.{family}.{Guid.NewGuid():N}@example.org".ToLowerInvariant() },
        });

    public async Task<Appointment> BookAsync(string clientId, LocalDate date, int hour, string serviceId = Nmt60, string therapistId = "", int minute = 0) =>
        await new BookingService.BookingServiceClient(Admin).BookAsync(new BookRequest
        {
            RequestId = NewRequestId(),
            ClinicId = ClinicId,
            ServiceId = serviceId,
            ClientId = clientId,
            Start = At(date, hour, minute),
            TherapistId = therapistId,
        });

    public static string NewRequestId() => Guid.NewGuid().ToString();

    private static readonly V1DayOfWeek[] EveryDay =
        [V1DayOfWeek.Monday, V1DayOfWeek.Tuesday, V1DayOfWeek.Wednesday, V1DayOfWeek.Thursday, V1DayOfWeek.Friday, V1DayOfWeek.Saturday, V1DayOfWeek.Sunday];
}
