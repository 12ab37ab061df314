using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using NmtPractice.Server;
using NmtPractice.Testing;
using Xunit.Abstractions;

namespace NmtPractice.Api.Tests;

/// <summary>
/// The real server (silo + gateway, ADO.NET clustering) in this process on a fresh migrated database of the shared
/// private PostgreSQL, Kestrel on 127.0.0.1 with a free port, and HTTP/2 gRPC clients. Time comes from an
/// <see cref="AdjustableClock"/> registered before the silo's own clock.
/// </summary>
public sealed class ApiServerFixture(IMessageSink sink) : IAsyncLifetime, IApiEndpoint
{
    private readonly PostgresFixture _postgres = new(sink);

    /// <summary>The private PostgreSQL the server runs on; tests may create more databases on it.</summary>
    public PostgresFixture Postgres => _postgres;

    public AdjustableClock Clock { get; } = new();

    NodaTime.IClock IApiEndpoint.Clock => Clock;

    public NmtServer Server { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public ClinicService.ClinicServiceClient Clinics => new(Channel);

    public StaffService.StaffServiceClient Staff => new(Channel);

    public ClientService.ClientServiceClient Clients => new(Channel);

    public BookingService.BookingServiceClient Bookings => new(Channel);

    public ClientRecordService.ClientRecordServiceClient Records => new(Channel);

    public AuditService.AuditServiceClient Audit => new(Channel);

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        ConnectionString = await _postgres.CreateDatabaseAsync("api");
        Server = await NmtServer.StartAsync(
            [
                "--ConnectionStrings:Nmt=" + ConnectionString,
                "--urls=http://127.0.0.1:0",
                "--Nmt:ClusterId=api-" + Guid.NewGuid().ToString("N")[..8],
                "--Nmt:SiloPort=0",
                "--Nmt:GatewayPort=0",
                "--Logging:LogLevel:Default=Warning",
                // The record and audit services read the caller from x-nmt-* headers (a test stand-in for tokens).
                "--Nmt:Auth:TrustHeaders=true",
            ],
            services => services.AddSingleton<IClock>(Clock));
        Channel = GrpcChannel.ForAddress(Server.Urls[0]);
    }

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        await _postgres.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiServerFixture>
{
    public const string Name = "api";
}
