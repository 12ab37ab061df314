using Grpc.Net.Client;
using NmtPractice.Server;
using NmtPractice.Testing;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>The embedded default: a server restarted on the same data directory still has its clinics and bookings.</summary>
public sealed class RestartTests
{
    private const string ClinicId = "restart-clinic";

    [Fact]
    public async Task Restarting_the_embedded_server_on_its_data_directory_keeps_clients_and_bookings()
    {
        await WithDataDirectoryAsync(async args =>
        {
            Appointment booked;
            string token;
            await using (var server = await NmtServer.StartAsync(args))
            {
                Assert.StartsWith(args[1], server.DataDirectory);
                token = AdminToken(args[1]);
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SigningKeyFile.PathIn(args[1])));
                }
                using var raw = GrpcChannel.ForAddress(server.Urls[0]);
                booked = await SetUpAndBookAsync(raw.WithToken(token));
            }

            // The key file is reused: a token minted before the restart is still good.
            await using (var server = await NmtServer.StartAsync(args))
            {
                using var raw = GrpcChannel.ForAddress(server.Urls[0]);
                var channel = raw.WithToken(token);
                var bookings = new BookingService.BookingServiceClient(channel);
                Assert.Equal(booked, await bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = booked.AppointmentId }));
                var listed = await bookings.ListClientAppointmentsAsync(new ListClientAppointmentsRequest { ClientId = "restart-client" });
                Assert.Equal(booked.AppointmentId, Assert.Single(listed.Appointments).AppointmentId);
                var client = await new ClientService.ClientServiceClient(channel).GetClientAsync(new GetClientRequest { ClientId = "restart-client" });
                Assert.Equal("C", client.FamilyName);
            }
        });
    }

    [Fact]
    public async Task Restarting_the_embedded_server_keeps_clinics_their_rooms_and_the_idempotency_of_bookings()
    {
        await WithDataDirectoryAsync(async args =>
        {
            Appointment booked;
            await using (var server = await NmtServer.StartAsync(args))
            {
                using var raw = GrpcChannel.ForAddress(server.Urls[0]);
                var channel = raw.WithToken(AdminToken(args[1]));
                booked = await SetUpAndBookAsync(channel);
                await new ClinicService.ClinicServiceClient(channel).UpsertRoomAsync(
                    new UpsertRoomRequest { ClinicId = ClinicId, RoomId = "r2", Name = "Room 2", Features = { "quiet" } });
            }

            await using (var server = await NmtServer.StartAsync(args))
            {
                using var raw = GrpcChannel.ForAddress(server.Urls[0]);
                var channel = raw.WithToken(AdminToken(args[1]));
                var clinic = await new ClinicService.ClinicServiceClient(channel).GetClinicAsync(new GetClinicRequest { ClinicId = ClinicId });
                Assert.Equal(["r1", "r2"], clinic.Rooms.Select(r => r.RoomId).Order());
                var therapist = await new StaffService.StaffServiceClient(channel).GetTherapistAsync(new GetTherapistRequest { TherapistId = "restart-therapist" });
                Assert.Single(therapist.Rosters);
                var retried = await new BookingService.BookingServiceClient(channel).BookAsync(NewBooking(booked.Start));
                Assert.Equal(booked.AppointmentId, retried.AppointmentId);
            }
        });
    }

    private static async Task WithDataDirectoryAsync(Func<string[], Task> test)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("nmt-restart-").FullName;
        try
        {
            await test(["--data-dir", dataDirectory, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        }
        finally
        {
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A chain-admin token signed with the key the embedded server keeps in its data directory.</summary>
    internal static string AdminToken(string dataDirectory) => TestTokens.Mint(SigningKeyFile.Read(SigningKeyFile.PathIn(dataDirectory)), NmtRoles.ChainAdmin);

    internal static async Task<Appointment> SetUpAndBookAsync(CallInvoker channel)
    {
        // A bare sample chain in New York, open and rostered round the clock, created without request ids.
        var clinic = SampleChain.Clinic(ClinicId, name: "Restart", zone: SampleChain.NewYork, address: "",
            hours: SampleChain.Open(SampleChain.EveryDay, SampleChain.RoundTheClock),
            rooms: [SampleChain.Room("r1", "Room 1")],
            services: [SampleChain.Service("trigger", "Trigger-point therapy", 30, 0, 0m)]);
        var therapist = SampleChain.Therapist("restart-therapist", [SampleChain.Weekly(ClinicId, SampleChain.EveryDay, SampleChain.RoundTheClock)],
            name: "T", qualifications: []);
        var client = SampleChain.Client("restart-client", "C", givenName: "R", phone: null) with { Email = null };
        await new ClinicService.ClinicServiceClient(channel).CreateClinicAsync(Wire.CreateClinic(clinic, requestId: null));
        await new StaffService.StaffServiceClient(channel).CreateTherapistAsync(Wire.CreateTherapist(therapist, requestId: null));
        await new ClientService.ClientServiceClient(channel).RegisterClientAsync(Wire.RegisterClient(client, requestId: null));
        var inTwoDays = SystemClock.Instance.GetCurrentInstant().Plus(Duration.FromDays(2));
        var start = NmtPractice.Api.Grpc.WireFormat.ToTimestamp(Instant.FromUnixTimeSeconds(inTwoDays.ToUnixTimeSeconds() / 3600 * 3600));
        return await new BookingService.BookingServiceClient(channel).BookAsync(NewBooking(start));
    }

    private static BookRequest NewBooking(Timestamp start) => new()
    {
        RequestId = "restart-1", ClinicId = ClinicId, ServiceId = "trigger", ClientId = "restart-client", Start = start,
    };
}
