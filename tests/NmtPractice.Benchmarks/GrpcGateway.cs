using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using NmtPractice.Api.V1;
using NmtPractice.Server;
using NmtPractice.Tokens;
using Orleans;

namespace NmtPractice.Benchmarks;

/// <summary>
/// The real server (<see cref="NmtServer"/>, cluster mode, silo+gateway, ADO.NET clustering) in this process on the
/// benchmark's PostgreSQL, Kestrel on 127.0.0.1 with a free port, and one HTTP/2 (h2c) gRPC channel to it shared by
/// every caller. The server uses the bench silo's service id, so it sees the chain seeded through <see cref="GrainSilo"/>.
/// </summary>
public sealed class GrpcGateway : IAsyncDisposable
{
    private GrpcGateway(NmtServer server, GrpcChannel channel, string token)
    {
        Server = server;
        Channel = channel;
        // Every call carries a chain-admin token, as a real front end carries its user's.
        Bookings = new BookingService.BookingServiceClient(channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + token);
            return metadata;
        }));
        Grains = server.Services.GetRequiredService<IGrainFactory>();
    }

    public NmtServer Server { get; }

    public GrpcChannel Channel { get; }

    public BookingService.BookingServiceClient Bookings { get; }

    /// <summary>The server's own grain factory (warming the configuration grains before a run).</summary>
    public IGrainFactory Grains { get; }

    public static async Task<GrpcGateway> StartAsync(string connectionString, CancellationToken ct)
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(NmtTokens.MinKeyBytes);
        var server = await NmtServer.StartAsync(
            [
                "--ConnectionStrings:Nmt=" + connectionString,
                "--urls=http://127.0.0.1:0",
                "--Nmt:ClusterId=nmt-bench-grpc-" + Guid.NewGuid().ToString("N")[..8],
                "--Nmt:ServiceId=" + GrainSilo.ServiceId,
                "--Nmt:SiloPort=0",
                "--Nmt:GatewayPort=0",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
                "--Nmt:Auth:SigningKey=" + Convert.ToBase64String(key),
            ],
            configureServices: null,
            ct);
        try
        {
            var channel = GrpcChannel.ForAddress(server.Urls[0], new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            });
            var token = TokenMinter.Mint(key, new TokenSubject("bench", NmtRoles.ChainAdmin, []), DateTimeOffset.UtcNow, TimeSpan.FromHours(12));
            return new GrpcGateway(server, channel, token);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Server.StopAsync(cts.Token);
        await Server.DisposeAsync();
    }
}

/// <summary>
/// Books through <c>BookingService.Book</c> over the real HTTP/2 channel. A refusal is FAILED_PRECONDITION with an
/// <c>ErrorInfo</c> whose reason is the same code the grain variant counts; any other status is an error.
/// </summary>
public sealed class GrpcDriver(BookingService.BookingServiceClient client) : IBookingDriver
{
    public async Task<AttemptOutcome> BookAsync(int caller, BookingAttempt a, CancellationToken ct)
    {
        var request = new BookRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ClinicId = a.ClinicId,
            ServiceId = a.Service.Id,
            ClientId = a.ClientId,
            Start = Timestamp.FromDateTime(a.Start.ToDateTimeUtc()),
            TherapistId = a.TherapistId,
            RoomId = a.RoomId,
        };
        try
        {
            await client.BookAsync(request, cancellationToken: ct);
            return AttemptOutcome.Ok;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            return AttemptOutcome.Refused(Reason(e) ?? "FAILED_PRECONDITION");
        }
    }

    /// <summary>The ErrorInfo reason of a failed call's google.rpc.Status details, if any.</summary>
    public static string? Reason(RpcException e) => e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
