using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using NmtPractice.Persistence;
using Npgsql;
using Xunit.Abstractions;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// SIGTERM to a real server process (silo + gateway) during a booking storm: the process stops by itself, the calls in
/// flight finish or fail with UNAVAILABLE (never INTERNAL or UNKNOWN), and every booking it acknowledged is in the
/// ledger and served by the next process on the same database.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GracefulShutdownTests(ApiServerFixture api, ITestOutputHelper output)
{
    /// <summary>
    /// The server's own shutdown timeout is 30 s (Kestrel drains for at most 20 s, then the silo leaves); a process
    /// still running 45 s after SIGTERM did not stop gracefully (Kubernetes would SIGKILL it at that point).
    /// </summary>
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task SIGTERM_during_a_booking_storm_loses_no_acknowledged_booking_and_fails_calls_only_as_unavailable()
    {
        var connectionString = await api.Postgres.CreateDatabaseAsync("drain");
        var clusterId = "drain-" + Guid.NewGuid().ToString("N")[..8];
        var url = $"http://127.0.0.1:{ProcessCluster.FreePort()}";
        var siloPort = ProcessCluster.FreePort();
        var gatewayPort = ProcessCluster.FreePort();
        await using var cluster = new ProcessCluster(output, api.SigningKey);
        using var first = LoggedServer.Start(connectionString, clusterId, url, siloPort, gatewayPort, api.SigningKey, output);
        await first.WaitServingAsync();

        var endpoint = new Endpoint(first.Invoker);
        var chain = new ApiChain(endpoint, "drain");
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        var client = (await chain.RegisterClientAsync("c1")).ClientId;

        // One therapist, one client, every booking an hour of its own (the clinic is open round the clock): no booking
        // conflicts with another, so OK and UNAVAILABLE are the only answers a correct server gives.
        var firstDay = chain.Date(30);
        var acknowledged = new ConcurrentBag<Appointment>();
        var unexpected = new ConcurrentQueue<string>();
        var unavailable = 0;
        var okAfterSignal = 0;
        var next = -1;
        long signalledAt = long.MaxValue;
        const int MaxBookings = 2_000;
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        async Task Caller()
        {
            while (!giveUp.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= MaxBookings)
                {
                    return;
                }
                var request = new BookRequest
                {
                    RequestId = $"drain-{i}",
                    ClinicId = chain.ClinicId,
                    ServiceId = ApiChain.FollowUp,
                    TherapistId = chain.TherapistId,
                    ClientId = client,
                    Start = ApiChain.At(firstDay.PlusDays(i / 24), i % 24),
                };
                try
                {
                    acknowledged.Add(await endpoint.Bookings.BookAsync(request, deadline: DateTime.UtcNow.AddSeconds(20)));
                    if (Stopwatch.GetTimestamp() > Interlocked.Read(ref signalledAt))
                    {
                        Interlocked.Increment(ref okAfterSignal);
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
                {
                    Interlocked.Increment(ref unavailable);
                    if (Stopwatch.GetTimestamp() > Interlocked.Read(ref signalledAt))
                    {
                        return; // the server is going away: this caller is done
                    }
                }
                catch (RpcException e)
                {
                    unexpected.Enqueue($"{request.RequestId}: {e.StatusCode} {e.Status.Detail}");
                }
            }
        }

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(Caller)).ToList();
        // A few hundred bookings take a few seconds; 60 s is for a loaded CI machine.
        var storm = Stopwatch.StartNew();
        while (acknowledged.Count < 100)
        {
            Assert.True(storm.Elapsed < TimeSpan.FromSeconds(60), $"only {acknowledged.Count} bookings in 60 s before the signal");
            Assert.DoesNotContain(callers, c => c.IsFaulted);
            await Task.Delay(20);
        }
        var beforeSignal = acknowledged.Count;
        Interlocked.Exchange(ref signalledAt, Stopwatch.GetTimestamp());
        using (var term = Process.Start("kill", ["-TERM", first.Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }
        var stopping = Stopwatch.StartNew();
        using (var exitWait = new CancellationTokenSource(ExitBound))
        {
            await first.Process.WaitForExitAsync(exitWait.Token);
        }
        output.WriteLine($"exited {stopping.Elapsed.TotalSeconds:F1} s after SIGTERM with {first.Process.ExitCode}");
        Assert.Equal(0, first.Process.ExitCode);
        // The callers stop at their first UNAVAILABLE after the signal, each call bounded by its 20 s deadline.
        var all = Task.WhenAll(callers);
        Assert.True(await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(60))) == all, "the callers did not finish within 60 s of the exit");
        await all;
        output.WriteLine(
            $"acknowledged {acknowledged.Count} ({beforeSignal} before SIGTERM, {okAfterSignal} completed after it), unavailable {unavailable}, other {unexpected.Count}");
        Assert.True(unexpected.IsEmpty, $"{unexpected.Count} calls failed with a status other than UNAVAILABLE:\n" + string.Join("\n", unexpected.Take(20)));
        // The drain itself: the API's calls finished while the silo was still up. A call that reached a silo already
        // stopping is logged by Orleans as "Failed to address message" (seen when the silo is stopped before Kestrel).
        Assert.DoesNotContain(first.Log, line => line.Contains("Failed to address message", StringComparison.Ordinal)
            && line.Contains("sys.client/hosted", StringComparison.Ordinal));

        // Every acknowledged booking is in the ledger, and the next process on the same database serves it.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var ledger = new AppointmentLedger(dataSource);
        foreach (var appointment in acknowledged)
        {
            var stored = await ledger.GetAsync(Guid.Parse(appointment.AppointmentId));
            Assert.NotNull(stored);
            Assert.Equal(appointment.RequestId, stored.RequestId);
        }
        var second = cluster.Start("second", connectionString, clusterId, "silo+gateway", url, siloPort, gatewayPort);
        await cluster.WaitServingAsync(second);
        var bookings = new BookingService.BookingServiceClient(second.Invoker);
        foreach (var appointment in acknowledged.OrderBy(a => a.RequestId).Take(50))
        {
            var readBack = await bookings.GetAppointmentAsync(
                new GetAppointmentRequest { AppointmentId = appointment.AppointmentId }, deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.Equal(appointment.AppointmentId, readBack.AppointmentId);
            Assert.Equal(appointment.Start, readBack.Start);
        }
    }

    /// <summary>The built server as a process (silo + gateway, cluster mode, the connection string in its environment), its log kept.</summary>
    private sealed class LoggedServer : IDisposable
    {
        private readonly ConcurrentQueue<string> _log = new();
        private readonly GrpcChannel _channel;

        private LoggedServer(Process process, GrpcChannel channel, CallInvoker invoker)
        {
            Process = process;
            _channel = channel;
            Invoker = invoker;
        }

        public Process Process { get; }

        public CallInvoker Invoker { get; }

        public IReadOnlyCollection<string> Log => _log;

        public static LoggedServer Start(string connectionString, string clusterId, string url, int siloPort, int gatewayPort, byte[] key, ITestOutputHelper output)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.Environment["ConnectionStrings__Nmt"] = connectionString;
            foreach (var arg in new[]
            {
                ProcessCluster.ServerDll(), "--urls", url, "--Nmt:HttpUrl", "http://127.0.0.1:0",
                "--Nmt:ClusterId", clusterId,
                "--Nmt:SiloPort", siloPort.ToString(CultureInfo.InvariantCulture),
                "--Nmt:GatewayPort", gatewayPort.ToString(CultureInfo.InvariantCulture),
                "--Nmt:MigrateOnStart", "false",
                "--Logging:LogLevel:Default", "Warning",
                TestTokens.KeyArgument(key),
            })
            {
                info.ArgumentList.Add(arg);
            }
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the server");
            var channel = GrpcChannel.ForAddress(url);
            var server = new LoggedServer(process, channel, channel.WithToken(TestTokens.Admin(key)));
            void Log(string? line)
            {
                if (line is null)
                {
                    return;
                }
                server._log.Enqueue(line);
                try
                {
                    output.WriteLine($"[first] {line}");
                }
                catch (InvalidOperationException)
                {
                    // The test has finished; its output is closed.
                }
            }
            process.OutputDataReceived += (_, e) => Log(e.Data);
            process.ErrorDataReceived += (_, e) => Log(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return server;
        }

        /// <summary>Until a read through a grain answers; 90 s is for a loaded CI machine (a start takes a few seconds).</summary>
        public async Task WaitServingAsync()
        {
            var clinics = new ClinicService.ClinicServiceClient(Invoker);
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                Assert.False(Process.HasExited, "the server exited");
                try
                {
                    await clinics.ListClinicsAsync(new ListClinicsRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
                    return;
                }
                catch (RpcException) when (DateTime.UtcNow < deadline)
                {
                }
                await Task.Delay(100);
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }
            _channel.Dispose();
            Process.Dispose();
        }
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
