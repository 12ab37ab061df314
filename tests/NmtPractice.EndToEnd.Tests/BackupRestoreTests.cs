using Grpc.Net.Client;
using NmtPractice.Server;
using NmtPractice.Server.Backup;
using NmtPractice.Tokens;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// <c>backup</c> and <c>restore</c> of the embedded default: book, record consent and an intake, back up, wipe the data
/// directory, restore, start again and read everything back. Also the refusals: a backup while the server runs, a
/// restore over a database that holds data.
/// </summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task A_backup_restored_into_a_wiped_data_directory_brings_back_bookings_clients_and_records()
    {
        var root = Directory.CreateTempSubdirectory("nmt-backup-").FullName;
        var dataDirectory = Path.Combine(root, "data");
        var dump = Path.Combine(root, "dumps", "nmt.dump");
        // The key comes from configuration, not from the data directory, so that tokens survive the wipe.
        var key = TestTokens.NewKey();
        string[] serverArgs = ["--data-dir", dataDirectory, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", TestTokens.KeyArgument(key)];
        string[] Tool(string command, params string[] more) => [command, "--data-dir", dataDirectory, "--Logging:LogLevel:Default=Warning", .. more];
        var admin = TestTokens.Admin(key);
        var therapist = TestTokens.Mint(key, NmtRoles.Therapist, ["restart-clinic"], "restart-therapist");
        try
        {
            Appointment booked;
            await using (var server = await NmtServer.StartAsync(serverArgs))
            {
                using var channel = GrpcChannel.ForAddress(server.Urls[0]);
                booked = await RestartTests.SetUpAndBookAsync(channel.WithToken(admin));
                var records = new ClientRecordService.ClientRecordServiceClient(channel.WithToken(therapist));
                await new ClientRecordService.ClientRecordServiceClient(channel.WithToken(admin))
                    .RecordConsentAsync(new RecordConsentRequest { ClientId = "restart-client", Kind = "treatment" });
                await records.UpdateIntakeAsync(new UpdateIntakeRequest { ClientId = "restart-client", HealthHistory = "whiplash 2024" });

                // While the server runs on the data directory, backup refuses instead of stopping its PostgreSQL.
                Assert.Equal(2, await BackupCommand.RunAsync(ServerCommand.Backup, Tool("backup", "--out", dump)));
                Assert.False(File.Exists(dump));
            }

            Assert.Equal(0, await BackupCommand.RunAsync(ServerCommand.Backup, Tool("backup", "--out", dump)));
            Assert.True(new FileInfo(dump).Length > 0);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dump));
            }

            Directory.Delete(dataDirectory, recursive: true);
            Assert.Equal(0, await BackupCommand.RunAsync(ServerCommand.Restore, Tool("restore", "--from", dump)));
            // A second restore would mix two databases: refused without --force.
            Assert.Equal(2, await BackupCommand.RunAsync(ServerCommand.Restore, Tool("restore", "--from", dump)));

            await using (var server = await NmtServer.StartAsync(serverArgs))
            {
                using var channel = GrpcChannel.ForAddress(server.Urls[0]);
                var bookings = new BookingService.BookingServiceClient(channel.WithToken(admin));
                Assert.Equal(booked, await bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = booked.AppointmentId }));
                var client = await new ClientService.ClientServiceClient(channel.WithToken(admin)).GetClientAsync(new GetClientRequest { ClientId = "restart-client" });
                Assert.Equal("C", client.FamilyName);
                var record = await new ClientRecordService.ClientRecordServiceClient(channel.WithToken(therapist))
                    .GetRecordAsync(new GetRecordRequest { ClientId = "restart-client" });
                Assert.Equal("whiplash 2024", record.Intake.HealthHistory);
                Assert.Contains(record.Consents, c => c.Kind == "treatment");
                // The restored calendars still refuse the taken slot (the ledger and grain state came back together).
                var clash = await Assert.ThrowsAsync<RpcException>(async () => await bookings.BookAsync(new BookRequest
                {
                    RequestId = "after-restore", ClinicId = "restart-clinic", ServiceId = "trigger", ClientId = "restart-client", Start = booked.Start,
                }));
                Assert.Equal(StatusCode.FailedPrecondition, clash.StatusCode);
            }
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
