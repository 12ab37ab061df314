using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;
using NmtPractice.Api.Grpc;
using NmtPractice.Persistence;
using NmtPractice.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// Real processes: two silos and a separate gateway on ADO.NET clustering over one PostgreSQL. One silo is killed
/// (SIGKILL) during a stream of bookings through the gateway.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ClusterProcessTests(ApiServerFixture api, ITestOutputHelper output)
{
    /// <summary>
    /// A gateway process whose only silo dies answers UNAVAILABLE (never INTERNAL or UNKNOWN, and without hanging until
    /// the caller's deadline), and serves again by itself once a silo is back on the same address.
    /// </summary>
    [Fact]
    public async Task A_gateway_that_loses_its_silo_answers_unavailable_and_recovers_when_the_silo_is_back()
    {
        var connectionString = await api.Postgres.CreateDatabaseAsync("lost") + ";Maximum Pool Size=20";
        var clusterId = "lost-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = new ProcessCluster(output, api.SigningKey);
        int siloPort = ProcessCluster.FreePort(), gatewayPort = ProcessCluster.FreePort();
        var silo = cluster.Start("silo", connectionString, clusterId, "silo", siloPort: siloPort, gatewayPort: gatewayPort);
        var gateway = cluster.Start("gateway", connectionString, clusterId, "gateway");
        await cluster.WaitServingAsync(silo, gateway);
        var endpoint = new Endpoint(gateway.Invoker);
        var chain = new ApiChain(endpoint, "lost");
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        var client = (await chain.RegisterClientAsync("c")).ClientId;
        var day = chain.Date(30);
        var hour = 8;
        BookRequest NextRequest() => new()
        {
            RequestId = Guid.NewGuid().ToString(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = client,
            Start = ApiChain.At(day, hour++),
        };
        await endpoint.Bookings.BookAsync(NextRequest(), deadline: DateTime.UtcNow.AddSeconds(30));

        silo.Kill();
        // The caller's deadline is 30 s; an answer must come well before it. 15 s leaves a loaded 2-core machine room
        // (Orleans fails a call to a closed gateway connection at once; a call in flight at the kill waits for the
        // connection's loss to be noticed).
        var answerBound = TimeSpan.FromSeconds(15);
        for (var i = 0; i < 3; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var refused = await Assert.ThrowsAsync<RpcException>(
                () => endpoint.Bookings.BookAsync(NextRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
            output.WriteLine($"call {i} with the silo down: {refused.StatusCode} after {clock.Elapsed.TotalSeconds:F1} s ({refused.Status.Detail})");
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.True(clock.Elapsed < answerBound, $"UNAVAILABLE came after {clock.Elapsed.TotalSeconds:F1} s");
        }

        var restarted = cluster.Start("silo-again", connectionString, clusterId, "silo", siloPort: siloPort, gatewayPort: gatewayPort);
        await cluster.WaitServingAsync(restarted);
        // The gateway finds the silo again through its gateway list (refreshed from the membership table) and its
        // reconnect attempts: bounded at 2 minutes, with every failure on the way UNAVAILABLE.
        var recovery = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var booked = await endpoint.Bookings.BookAsync(NextRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
                output.WriteLine($"booking again {recovery.Elapsed.TotalSeconds:F1} s after the silo served again");
                Assert.Equal(AppointmentStatus.Booked, booked.Status);
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && recovery.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(500);
            }
        }
    }

    [Fact]
    public async Task Killing_a_silo_process_during_bookings_loses_no_acknowledged_booking_and_allows_no_overlap()
    {
        var connectionString = await api.Postgres.CreateDatabaseAsync("procs") + ";Maximum Pool Size=20";
        var clusterId = "procs-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = new ProcessCluster(output, api.SigningKey);
        var siloA = cluster.Start("silo-a", connectionString, clusterId, "silo");
        var siloB = cluster.Start("silo-b", connectionString, clusterId, "silo");
        var gateway = cluster.Start("gateway", connectionString, clusterId, "gateway");
        await cluster.WaitServingAsync(siloA, siloB, gateway);
        var endpoint = new Endpoint(gateway.Invoker);

        var chain = new ApiChain(endpoint, "procs");
        await chain.CreateClinicAsync();
        var therapists = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            therapists.Add((await chain.CreateTherapistAsync(chain.Id($"t{i}"))).TherapistId);
        }
        var clients = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            clients.Add((await chain.RegisterClientAsync($"c{i}")).ClientId);
        }

        var acknowledged = new ConcurrentBag<Appointment>();
        var attempts = 0;
        var errors = 0;
        var gaveUp = 0;
        // What a client sees while a silo dies: UNAVAILABLE (the grain's silo is gone or the call timed out inside the
        // cluster), or its own deadline passing. Any other status is a fault the retry loop must not hide.
        var unexpected = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var firstDay = chain.Date(30);
        async Task Caller(int caller)
        {
            var random = new Random(caller);
            while (!stop.IsCancellationRequested && Volatile.Read(ref attempts) < 600)
            {
                var i = Interlocked.Increment(ref attempts);
                var request = new BookRequest
                {
                    RequestId = $"procs-{i}",
                    ClinicId = chain.ClinicId,
                    ServiceId = ApiChain.FollowUp,
                    TherapistId = therapists[random.Next(therapists.Count)],
                    ClientId = clients[random.Next(clients.Count)],
                    Start = ApiChain.At(firstDay.PlusDays(random.Next(14)), 8 + random.Next(10), 15 * random.Next(4)),
                };
                // A front end retries with the same request id until it gets an answer.
                var answered = false;
                for (var attempt = 0; attempt < 6 && !answered; attempt++)
                {
                    try
                    {
                        acknowledged.Add(await endpoint.Bookings.BookAsync(request, deadline: DateTime.UtcNow.AddSeconds(20)));
                        answered = true;
                    }
                    catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition)
                    {
                        answered = true;
                    }
                    catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                    {
                        Interlocked.Increment(ref errors);
                        await Task.Delay(500);
                    }
                    catch (RpcException e)
                    {
                        unexpected.Enqueue($"{request.RequestId}: {e.StatusCode} {e.Status.Detail}");
                        answered = true;
                    }
                }
                if (!answered)
                {
                    Interlocked.Increment(ref gaveUp);
                }
            }
        }

        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(() => Caller(c))).ToList();
        // 150 bookings take a few seconds; the callers stop on their own after 40 s, so this wait is bounded by that.
        while (Volatile.Read(ref attempts) < 150)
        {
            Assert.False(stop.IsCancellationRequested, $"only {attempts} attempts in 40 s, before the kill");
            Assert.DoesNotContain(callers, c => c.IsFaulted);
            await Task.Delay(50);
        }
        var beforeKill = acknowledged.Count;
        siloB.Kill();
        // Callers stop after 40 s; the last request may still retry 6 times with a 20 s deadline each: 3 minutes is a bound.
        var all = Task.WhenAll(callers);
        Assert.True(await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(3))) == all, "the callers did not finish within 3 minutes");
        await all;

        output.WriteLine($"attempts {attempts}, acknowledged {acknowledged.Count} ({beforeKill} before the kill), transient errors {errors}, gave up {gaveUp}");
        Assert.True(unexpected.IsEmpty, $"{unexpected.Count} calls failed with a status other than UNAVAILABLE or DEADLINE_EXCEEDED:\n" + string.Join("\n", unexpected.Take(20)));
        // Six tries over at least 3 s outlast the fast failure detection (a dead silo is voted out within a few seconds).
        Assert.Equal(0, gaveUp);
        Assert.True(errors < attempts, $"{errors} transient errors for {attempts} attempts: the cluster was unavailable, not just one silo");
        Assert.True(acknowledged.Count - beforeKill >= 20, $"only {acknowledged.Count - beforeKill} bookings acknowledged after the silo died");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var ledger = new AppointmentLedger(dataSource);
        Assert.Equal(0, await new LedgerOracle(dataSource).CountOverlapsAsync());
        Assert.Equal(acknowledged.Count, acknowledged.Select(a => a.RequestId).Distinct().Count());
        foreach (var appointment in acknowledged)
        {
            var stored = await ledger.GetAsync(Guid.Parse(appointment.AppointmentId));
            Assert.NotNull(stored);
            Assert.Equal(appointment.RequestId, stored.RequestId);
            var readBack = await endpoint.Bookings.GetAppointmentAsync(new GetAppointmentRequest { AppointmentId = appointment.AppointmentId });
            Assert.Equal(appointment.AppointmentId, readBack.AppointmentId);
        }
    }

    private sealed class Endpoint(CallInvoker channel) : IApiEndpoint
    {
        public ClinicService.ClinicServiceClient Clinics => new(channel);

        public StaffService.StaffServiceClient Staff => new(channel);

        public ClientService.ClientServiceClient Clients => new(channel);

        public BookingService.BookingServiceClient Bookings => new(channel);

        public NodaTime.IClock Clock => NodaTime.SystemClock.Instance;
    }
}

/// <summary>
/// Server processes started from the built NmtPractice.Server, each on its own free loopback ports, validating tokens
/// signed with <paramref name="signingKey"/>.
/// </summary>
public sealed class ProcessCluster(ITestOutputHelper output, byte[] signingKey) : IAsyncDisposable
{
    private readonly List<ServerProcess> _processes = [];

    public sealed class ServerProcess(string name, Process process, GrpcChannel channel, CallInvoker invoker)
    {
        public string Name => name;

        /// <summary>Without a token: health and reflection.</summary>
        public GrpcChannel Channel => channel;

        /// <summary>As chain-admin.</summary>
        public CallInvoker Invoker => invoker;

        public Process Process => process;

        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
    }

    /// <summary>
    /// Starts a server process; free ports unless given. <paramref name="fastFailureDetection"/> tightens Orleans'
    /// failure detection so that a killed silo is declared dead within seconds; without it Orleans' defaults apply.
    /// </summary>
    public ServerProcess Start(string name, string connectionString, string clusterId, string role,
        string? url = null, int? siloPort = null, int? gatewayPort = null, bool fastFailureDetection = true)
    {
        url ??= $"http://127.0.0.1:{FreePort()}";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            ServerDll(), "--role", role, "--urls", url,
            // The HTTP endpoint would follow the gRPC port (port + 1), which another process of the test may hold.
            "--Nmt:HttpUrl", "http://127.0.0.1:0",
            "--ConnectionStrings:Nmt", connectionString,
            "--Nmt:ClusterId", clusterId,
            "--Nmt:SiloPort", (siloPort ?? FreePort()).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Nmt:GatewayPort", (gatewayPort ?? FreePort()).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Nmt:MigrateOnStart", "false",
            "--Orleans:Messaging:ResponseTimeout", "00:00:10",
            "--Logging:LogLevel:Default", "Warning",
            TestTokens.KeyArgument(signingKey),
        })
        {
            info.ArgumentList.Add(arg);
        }
        if (fastFailureDetection)
        {
            foreach (var arg in new[]
            {
                "--Orleans:Membership:ProbeTimeout", "00:00:01",
                "--Orleans:Membership:NumMissedProbesLimit", "2",
                "--Orleans:Membership:NumVotesForDeathDeclaration", "1",
            })
            {
                info.ArgumentList.Add(arg);
            }
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        process.OutputDataReceived += (_, e) => Log(name, e.Data);
        process.ErrorDataReceived += (_, e) => Log(name, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var channel = GrpcChannel.ForAddress(url);
        var server = new ServerProcess(name, process, channel, channel.WithToken(TestTokens.Admin(signingKey)));
        _processes.Add(server);
        return server;
    }

    public async Task WaitServingAsync(params ServerProcess[] servers)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        foreach (var server in servers)
        {
            while (true)
            {
                Assert.False(server.Process.HasExited, $"{server.Name} exited with {(server.Process.HasExited ? server.Process.ExitCode : 0)}");
                try
                {
                    var health = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                    if (health.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                    {
                        break;
                    }
                }
                catch (RpcException) when (DateTime.UtcNow < deadline)
                {
                }
                Assert.True(DateTime.UtcNow < deadline, $"{server.Name} did not become healthy in time");
                await Task.Delay(250);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _processes)
        {
            if (!server.Process.HasExited)
            {
                server.Process.Kill(entireProcessTree: true);
                await server.Process.WaitForExitAsync();
            }
            server.Channel.Dispose();
            server.Process.Dispose();
        }
    }

    private void Log(string name, string? line)
    {
        if (line is null)
        {
            return;
        }
        try
        {
            output.WriteLine($"[{name}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }

    /// <summary>The server built next to this test assembly's configuration (Debug or Release).</summary>
    internal static string ServerDll()
    {
        var baseDir = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(baseDir).Parent!.Name; // .../bin/<Configuration>/net10.0/
        var root = new DirectoryInfo(baseDir);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NmtPractice.sln")))
        {
            root = root.Parent;
        }
        Assert.NotNull(root);
        var dll = Path.Combine(root.FullName, "src", "NmtPractice.Server", "bin", configuration, "net10.0", "NmtPractice.Server.dll");
        Assert.True(File.Exists(dll), $"build the server first: {dll} is missing");
        return dll;
    }

    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();

    /// <summary>
    /// A free port on 127.0.0.1 below the kernel's ephemeral range (32768-60999 by default). A port the kernel hands out
    /// for a listener on port 0 lies in that range, where every outgoing connection (database pools, gRPC clients) takes
    /// its local port too, and one of them can take it before the server binds it ("address already in use" under
    /// load). Never the same port twice in one test process.
    /// </summary>
    internal static int FreePort()
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            if (!HandedOut.TryAdd(port, 0))
            {
                continue;
            }
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by something else: try another.
            }
        }
        throw new InvalidOperationException("No free port found on 127.0.0.1 between 20000 and 32000.");
    }
}
