using Google.Rpc;
using NmtPractice.Api.Grpc;
using NmtPractice.Domain.Time;
using Status = Google.Rpc.Status;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>The API's clients and the server's clock, wherever the server runs (in this process or in others).</summary>
public interface IApiEndpoint
{
    ClinicService.ClinicServiceClient Clinics { get; }

    StaffService.StaffServiceClient Staff { get; }

    ClientService.ClientServiceClient Clients { get; }

    BookingService.BookingServiceClient Bookings { get; }

    NodaTime.IClock Clock { get; }
}

/// <summary>Builds a clinic open round the clock, a therapist rostered round the clock, and clients, through the API.</summary>
public sealed class ApiChain(IApiEndpoint api, string prefix)
{
    public const string Zone = "Europe/London";
    public const string FollowUp = "nmt-follow-up";
    public const string Trigger = "trigger-point";

    public string ClinicId => $"{prefix}-clinic";

    public string TherapistId => $"{prefix}-therapist";

    public string Id(string name) => $"{prefix}-{name}";

    public static string NewRequestId() => Guid.NewGuid().ToString();

    public async Task<V1.Clinic> CreateClinicAsync()
    {
        var request = new CreateClinicRequest
        {
            RequestId = NewRequestId(),
            ClinicId = ClinicId,
            Name = $"Clinic {prefix}",
            Address = "1 High Street, London",
            TimeZone = Zone,
            Rooms =
            {
                new V1.Room { RoomId = "r1", Name = "Room 1", Features = { "hydraulic-table", "quiet" } },
                new V1.Room { RoomId = "r2", Name = "Room 2", Features = { "hydraulic-table" } },
                new V1.Room { RoomId = "r3", Name = "Room 3" },
            },
            Services =
            {
                new V1.Service
                {
                    ServiceId = FollowUp, Name = "NMT follow-up", DurationMinutes = 45, TurnoverMinutes = 15,
                    RequiredFeatures = { "hydraulic-table" }, RequiredQualification = "nmt-certified", PriceMinor = 6500,
                },
            },
        };
        foreach (var day in Enumerable.Range(1, 7))
        {
            request.OpeningHours.Add(new V1.OpeningRange { Day = (V1.DayOfWeek)day, Start = "00:00", End = "24:00" });
        }
        return await api.Clinics.CreateClinicAsync(request);
    }

    public async Task<V1.Therapist> CreateTherapistAsync(string? id = null)
    {
        var roster = new V1.Roster { ClinicId = ClinicId, CycleWeeks = 1, AnchorDate = "2026-01-05" };
        foreach (var day in Enumerable.Range(1, 7))
        {
            roster.Shifts.Add(new RosterShift { Week = 0, Day = (V1.DayOfWeek)day, Start = "00:00", End = "24:00" });
        }
        return await api.Staff.CreateTherapistAsync(new CreateTherapistRequest
        {
            RequestId = NewRequestId(),
            TherapistId = id ?? TherapistId,
            Name = "Therapist " + prefix,
            Qualifications = { new V1.Qualification { Code = "nmt-certified" } },
            Rosters = { roster },
        });
    }

    public async Task<V1.Client> RegisterClientAsync(string name) =>
        await api.Clients.RegisterClientAsync(new RegisterClientRequest
        {
            RequestId = NewRequestId(),
            Client = new V1.Client { ClientId = Id(name), GivenName = "Given", FamilyName = name, Phone = "+44 20 7946 0000", Email = $"{name}@example.org" },
        });

    /// <summary>A London-local date <paramref name="daysAhead"/> days from the fixture's clock.</summary>
    public LocalDate Date(int daysAhead) => api.Clock.GetCurrentInstant().InZone(TimeZones.Get(Zone)).Date.PlusDays(daysAhead);

    public static Timestamp At(LocalDate date, int hour, int minute = 0) =>
        WireFormat.ToTimestamp(date.At(new LocalTime(hour, minute)).InZoneLeniently(TimeZones.Get(Zone)).ToInstant());

    public static string Iso(LocalDate date) => WireFormat.FormatDate(date);
}

/// <summary>Reads the google.rpc.Status details of a failed call.</summary>
public static class RpcDetails
{
    public static Status Status(this RpcException e) => e.GetRpcStatus() ?? throw new Xunit.Sdk.XunitException($"No google.rpc.Status in {e.Status}.");

    public static T? Detail<T>(this RpcException e)
        where T : class, Google.Protobuf.IMessage<T>, new()
    {
        var status = e.GetRpcStatus();
        var any = status?.Details.FirstOrDefault(d => d.Is(new T().Descriptor));
        return any?.Unpack<T>();
    }

    public static IReadOnlyList<string> ViolatedFields(this RpcException e) =>
        e.Detail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];
}
