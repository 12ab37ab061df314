using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using NmtPractice.Server;
using NmtPractice.Testing;
using Xunit.Abstractions;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The real server (silo + gateway, ADO.NET clustering) in this process on a fresh migrated database of the shared
/// private PostgreSQL, Kestrel on 127.0.0.1 with a free port, and HTTP/2 gRPC clients. Time comes from an
/// <see cref="AdjustableClock"/> registered before the silo's own clock. The server validates tokens signed with
/// <see cref="SigningKey"/>; the clients call as chain-admin.
/// </summary>
public sealed class ApiServerFixture(IMessageSink sink) : IAsyncLifetime, IApiEndpoint
{
    private readonly PostgresFixture _postgres = new(sink);

    /// <summary>The private PostgreSQL the server runs on; tests may create more databases on it.</summary>
    public PostgresFixture Postgres => _postgres;

    public AdjustableClock Clock { get; } = new();

    NodaTime.IClock IApiEndpoint.Clock => Clock;

    public NmtServer Server { get; private set; } = null!;

    /// <summary>The raw channel (no token): health and reflection, or <see cref="InvokerFor"/> with a token.</summary>
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>The key the server validates tokens with (<c>Nmt:Auth:SigningKey</c>).</summary>
    public byte[] SigningKey { get; } = TestTokens.NewKey();

    /// <summary>Calls as chain-admin: what the clients below use.</summary>
    public CallInvoker Invoker { get; private set; } = null!;

    /// <summary>Calls with <paramref name="token"/> (none when null).</summary>
    public CallInvoker InvokerFor(string? token) => Channel.WithToken(token);

    public string ConnectionString { get; private set; } = "";

    public ClinicService.ClinicServiceClient Clinics => new(Invoker);

    public StaffService.StaffServiceClient Staff => new(Invoker);

    public ClientService.ClientServiceClient Clients => new(Invoker);

    public BookingService.BookingServiceClient Bookings => new(Invoker);

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
                TestTokens.KeyArgument(SigningKey),
            ],
            services => services.AddSingleton<IClock>(Clock));
        Channel = GrpcChannel.ForAddress(Server.Urls[0]);
        Invoker = Channel.WithToken(TestTokens.Admin(SigningKey));
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
