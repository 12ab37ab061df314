using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Grpc.Net.Client;
using NmtPractice.Server;
using Npgsql;
using Xunit.Abstractions;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// TLS from certificate files: the gRPC endpoint (<c>Nmt:Tls</c>) and Orleans between silos (<c>Nmt:ClusterTls</c>,
/// mutually authenticated). The certificates are made here, self-signed, and trusted by pinning them.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TlsTests(ApiServerFixture api, ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("nmt-tls-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task The_api_serves_tls_from_pem_files_and_refuses_plaintext()
    {
        var (certificate, certPath, keyPath) = MakeCertificate("api");
        await using var server = await NmtServer.StartAsync(
        [
            "--ConnectionStrings:Nmt=" + await api.Postgres.CreateDatabaseAsync("tls"),
            "--urls=https://127.0.0.1:0",
            "--Nmt:ClusterId=tls-" + Guid.NewGuid().ToString("N")[..8],
            "--Nmt:SiloPort=0",
            "--Nmt:GatewayPort=0",
            "--Nmt:Tls:CertificatePath=" + certPath,
            "--Nmt:Tls:KeyPath=" + keyPath,
            "--Logging:LogLevel:Default=Warning",
            TestTokens.KeyArgument(api.SigningKey),
        ]);
        var url = Assert.Single(server.Urls);
        Assert.StartsWith("https://127.0.0.1:", url, StringComparison.Ordinal);

        X509Certificate2? presented = null;
        using var pinned = new SocketsHttpHandler();
        pinned.SslOptions.RemoteCertificateValidationCallback = (_, remote, _, _) =>
        {
            presented = remote is null ? null : X509CertificateLoader.LoadCertificate(remote.GetRawCertData());
            return presented is not null && presented.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span);
        };
        using (var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = pinned, DisposeHttpClient = false }))
        {
            var clinics = await new ClinicService.ClinicServiceClient(channel.WithToken(TestTokens.Admin(api.SigningKey)))
                .ListClinicsAsync(new ListClinicsRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.NotNull(clinics);
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }
        Assert.NotNull(presented);
        Assert.Equal(certificate.Thumbprint, presented.Thumbprint);

        // Plaintext HTTP/2 to the TLS port: no gRPC answer.
        using (var plaintext = GrpcChannel.ForAddress(url.Replace("https://", "http://", StringComparison.Ordinal)))
        {
            var e = await Assert.ThrowsAsync<RpcException>(() =>
                new Health.HealthClient(plaintext).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
            output.WriteLine($"plaintext call: {e.StatusCode} {e.Status.Detail}");
            Assert.NotEqual(StatusCode.OK, e.StatusCode);
        }
        // A client that does not trust the certificate (the machine's store) refuses it.
        using (var untrusting = GrpcChannel.ForAddress(url))
        {
            var e = await Assert.ThrowsAsync<RpcException>(() =>
                new Health.HealthClient(untrusting).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
            // The client's own verdict (Grpc.Net.Client reports it as INTERNAL): the handshake failed on the certificate.
            Assert.NotEqual(StatusCode.OK, e.StatusCode);
            Assert.Contains(nameof(System.Security.Authentication.AuthenticationException), e.Status.DebugException?.ToString() ?? e.Status.Detail, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Two silos whose Orleans connections use TLS with a shared certificate form one cluster and serve a booking made
    /// through one and read through the other and through a gateway process. The silo port speaks TLS, presents the cluster certificate, and drops a
    /// peer whose certificate is not the cluster's.
    /// </summary>
    [Fact]
    public async Task Two_silos_with_orleans_tls_form_a_cluster_and_serve_a_booking()
    {
        var (certificate, certPath, keyPath) = MakeCertificate("cluster");
        var connectionString = await api.Postgres.CreateDatabaseAsync("tlscluster");
        var clusterId = "tlsc-" + Guid.NewGuid().ToString("N")[..8];
        var siloPortA = ProcessCluster.FreePort();
        string[] Args(int siloPort) =>
        [
            "--ConnectionStrings:Nmt=" + connectionString,
            "--urls=http://127.0.0.1:0",
            "--Nmt:ClusterId=" + clusterId,
            "--Nmt:SiloPort=" + siloPort,
            "--Nmt:GatewayPort=0",
            "--Nmt:ClusterTls:CertificatePath=" + certPath,
            "--Nmt:ClusterTls:KeyPath=" + keyPath,
            "--Logging:LogLevel:Default=Warning",
            TestTokens.KeyArgument(api.SigningKey),
        ];
        await using var a = await NmtServer.StartAsync(Args(siloPortA));
        await using var b = await NmtServer.StartAsync(Args(ProcessCluster.FreePort()));

        // Both silos active in the membership table. Joining takes a second or two; 60 s is for a loaded CI machine.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await ActiveSilosAsync(dataSource, clusterId) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the two TLS silos did not both become active within 60 s");
            await Task.Delay(200);
        }

        // A gateway process (an Orleans client) reaches the silos over TLS too, with the same certificate.
        await using var gateway = await NmtServer.StartAsync([.. Args(0), "--Nmt:Role=gateway"]);

        using var channelA = GrpcChannel.ForAddress(a.Urls[0]);
        using var channelB = GrpcChannel.ForAddress(b.Urls[0]);
        using var channelGateway = GrpcChannel.ForAddress(gateway.Urls[0]);
        var endpointB = new Endpoint(channelB.WithToken(TestTokens.Admin(api.SigningKey)));
        var chain = new ApiChain(endpointB, "tlsc");
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        var client = await chain.RegisterClientAsync("c1");
        var booked = await endpointB.Bookings.BookAsync(new BookRequest
        {
            RequestId = ApiChain.NewRequestId(),
            ClinicId = chain.ClinicId,
            ServiceId = ApiChain.FollowUp,
            TherapistId = chain.TherapistId,
            ClientId = client.ClientId,
            Start = ApiChain.At(chain.Date(10), 10),
        }, deadline: DateTime.UtcNow.AddSeconds(30));
        var readBack = await new BookingService.BookingServiceClient(channelA.WithToken(TestTokens.Admin(api.SigningKey)))
            .GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = booked.AppointmentId }, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(booked, readBack);
        var throughGateway = await new BookingService.BookingServiceClient(channelGateway.WithToken(TestTokens.Admin(api.SigningKey)))
            .GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = booked.AppointmentId }, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(booked, throughGateway);
        Assert.Equal(2, await ActiveSilosAsync(dataSource, clusterId));

        // The silo port: a TLS handshake presenting the cluster certificate succeeds, and the silo presents it too.
        using (var trusted = await HandshakeAsync(siloPortA, certificate))
        {
            Assert.Equal(certificate.Thumbprint, X509CertificateLoader.LoadCertificate(trusted.RemoteCertificate!.GetRawCertData()).Thumbprint);
        }
        // A peer with another certificate is dropped: the silo does not trust it (mutual authentication).
        var (stranger, _, _) = MakeCertificate("stranger");
        var refused = false;
        try
        {
            using var untrusted = await HandshakeAsync(siloPortA, stranger);
            // TLS 1.3 completes the client's handshake before the server has checked the client's certificate; the
            // server's refusal arrives as an alert on the first read. 10 s: an accepting silo would keep the connection open.
            var buffer = new byte[64];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            refused = await untrusted.ReadAsync(buffer, timeout.Token) == 0;
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            output.WriteLine($"untrusted peer: {e.GetType().Name}: {e.Message}");
            refused = true;
        }
        Assert.True(refused, "the silo accepted a TLS peer whose certificate is not the cluster's");
    }

    private static async Task<SslStream> HandshakeAsync(int port, X509Certificate2 clientCertificate)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [clientCertificate],
            // The test looks at what the silo presents itself; it accepts anything here.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return ssl;
    }

    private static async Task<long> ActiveSilosAsync(NpgsqlDataSource dataSource, string clusterId)
    {
        await using var query = dataSource.CreateCommand("SELECT count(*) FROM orleans_membership WHERE deployment_id = @cluster AND status = 3");
        query.Parameters.AddWithValue("cluster", clusterId);
        return (long)(await query.ExecuteScalarAsync())!;
    }

    /// <summary>A self-signed certificate for 127.0.0.1 (server and client use), and its PEM files (the key 0600).</summary>
    private (X509Certificate2 Certificate, string CertPath, string KeyPath) MakeCertificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=nmt-test-{name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(_directory.FullName, name + ".crt");
        var keyPath = Path.Combine(_directory.FullName, name + ".key");
        File.WriteAllText(certPath, selfSigned.ExportCertificatePem());
        File.WriteAllText(keyPath, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (X509Certificate2.CreateFromPemFile(certPath, keyPath), certPath, keyPath);
    }

    private sealed class Endpoint(CallInvoker invoker) : IApiEndpoint
    {
        public ClinicService.ClinicServiceClient Clinics => new(invoker);

        public StaffService.StaffServiceClient Staff => new(invoker);

        public ClientService.ClientServiceClient Clients => new(invoker);

        public BookingService.BookingServiceClient Bookings => new(invoker);

        public NodaTime.IClock Clock => NodaTime.SystemClock.Instance;
    }
}
