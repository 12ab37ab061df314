using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Net.Client;
using NmtPractice.Hosting.LocalPostgres;
using Xunit.Abstractions;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The embedded default after a crash: the real server process is killed with SIGKILL and started again on the same
/// data directory. Its silo must not wait for the dead one to be voted out of the membership table. The same for a
/// cluster-mode silo restarted on its address and port.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CrashRestartTests(ApiServerFixture api, ITestOutputHelper output)
{
    /// <summary>
    /// The bound. A restart does: start the .NET process, stop the PostgreSQL the killed server left running,
    /// start it again (crash recovery), check the migrations, start the silo and Kestrel, serve a first call. That took
    /// 6.6-7 s on a quiet 2-core machine and 10-12 s with other tests running; waiting for the dead silo took 70-100 s.
    /// </summary>
    private static readonly TimeSpan RestartBound = TimeSpan.FromSeconds(15);

    /// <summary>
    /// 15 s, or twice the first start on a machine so loaded that the first start (which does at least as much work as
    /// a restart) took longer than 7.5 s: a restart that waits for its dead predecessor (60 s and more) still fails.
    /// The log checks below show the mechanism independently of timing.
    /// </summary>
    private static TimeSpan Bound(TimeSpan firstStart) => RestartBound > 2 * firstStart ? RestartBound : 2 * firstStart;

    /// <summary>How long to keep trying before giving up, so that a failure reports the real restart time.</summary>
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task After_SIGKILL_the_embedded_server_answers_again_within_15_seconds_of_its_restart_with_its_bookings()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("nmt-crash-").FullName;
        EmbeddedProcess? first = null;
        EmbeddedProcess? second = null;
        try
        {
            first = EmbeddedProcess.Start("first", dataDirectory, output);
            var firstStart = await first.WaitAnsweringAsync(GiveUpAfter);
            output.WriteLine($"first start (initdb included): answering {firstStart.TotalSeconds:F1} s after the process started");
            var token = RestartTests.AdminToken(dataDirectory);
            Appointment booked;
            using (var raw = GrpcChannel.ForAddress(first.Url))
            {
                booked = await RestartTests.SetUpAndBookAsync(raw.WithToken(token));
            }

            first.KillHard();

            second = EmbeddedProcess.Start("second", dataDirectory, output);
            var restart = await second.WaitAnsweringAsync(GiveUpAfter);
            output.WriteLine($"restart after SIGKILL: answering {restart.TotalSeconds:F1} s after the process started");

            using var channel = GrpcChannel.ForAddress(second.Url);
            var bookings = new BookingService.BookingServiceClient(channel.WithToken(token));
            var readBack = await bookings.GetAppointmentAsync(
                new GetAppointmentRequest { AppointmentId = booked.AppointmentId }, deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.Equal(booked, readBack);
            Assert.True(restart < Bound(firstStart), $"the restarted server answered only after {restart.TotalSeconds:F1} s (bound {Bound(firstStart).TotalSeconds:F1} s)");
            Assert.Contains(second.Log, line => line.Contains("Cleared 1 stale silo(s)", StringComparison.Ordinal));
            // Orleans' error when a joining silo cannot reach a silo the table lists as alive: the wait this test is about.
            Assert.DoesNotContain(second.Log, line => line.Contains("Failed to get ping responses", StringComparison.Ordinal));
            Assert.DoesNotContain(first.Log, line => line.Contains("stale silo", StringComparison.Ordinal));
        }
        finally
        {
            if (second is not null)
            {
                await second.StopAsync();
            }
            first?.KillHard();
            await StopLeftOverPostgresAsync(dataDirectory);
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Cluster mode, Orleans' default failure detection: a silo killed and started again on the same address and
    /// ports is recognised by Orleans as a newer generation of the same silo, which declares the old one dead instead
    /// of trying to reach it. Without that, a lone silo waits up to ProbeTimeout x 5 x NumMissedProbesLimit = 75 s.
    /// </summary>
    [Fact]
    public async Task A_cluster_silo_restarted_on_its_address_and_port_after_SIGKILL_does_not_wait_for_its_dead_predecessor()
    {
        var connectionString = await api.Postgres.CreateDatabaseAsync("crash");
        var clusterId = "crash-" + Guid.NewGuid().ToString("N")[..8];
        var url = $"http://127.0.0.1:{ProcessCluster.FreePort()}";
        var siloPort = ProcessCluster.FreePort();
        var gatewayPort = ProcessCluster.FreePort();
        await using var cluster = new ProcessCluster(output, api.SigningKey);

        var clock = Stopwatch.StartNew();
        var first = cluster.Start("silo-1", connectionString, clusterId, "silo+gateway", url, siloPort, gatewayPort, fastFailureDetection: false);
        var firstStart = await AnsweringAsync(first, clock);
        output.WriteLine($"first start: answering after {firstStart.TotalSeconds:F1} s");
        first.Kill();

        clock.Restart();
        var second = cluster.Start("silo-2", connectionString, clusterId, "silo+gateway", url, siloPort, gatewayPort, fastFailureDetection: false);
        var restart = await AnsweringAsync(second, clock);
        output.WriteLine($"cluster silo restart after SIGKILL: answering {restart.TotalSeconds:F1} s after the process started");
        Assert.True(restart < Bound(firstStart), $"the restarted silo answered only after {restart.TotalSeconds:F1} s (bound {Bound(firstStart).TotalSeconds:F1} s)");

        // Both generations are in the table on the same endpoint: the old one dead, the new one active.
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var query = dataSource.CreateCommand(
            "SELECT status FROM orleans_membership WHERE deployment_id = @cluster AND port = @port ORDER BY generation");
        query.Parameters.AddWithValue("cluster", clusterId);
        query.Parameters.AddWithValue("port", siloPort);
        var statuses = new List<int>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                statuses.Add(reader.GetInt32(0));
            }
        }
        Assert.Equal([6, 3], statuses); // SiloStatus.Dead, SiloStatus.Active
    }

    /// <summary>Waits (bounded) until a read through a grain succeeds on <paramref name="server"/>; the time on <paramref name="clock"/>.</summary>
    private static async Task<TimeSpan> AnsweringAsync(ProcessCluster.ServerProcess server, Stopwatch clock)
    {
        var clinics = new ClinicService.ClinicServiceClient(server.Invoker);
        while (true)
        {
            Assert.False(server.Process.HasExited, $"{server.Name} exited");
            Assert.True(clock.Elapsed < GiveUpAfter, $"{server.Name} did not answer within {GiveUpAfter.TotalSeconds} s");
            try
            {
                await clinics.ListClinicsAsync(new ListClinicsRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
                return clock.Elapsed;
            }
            catch (RpcException)
            {
            }
            await Task.Delay(100);
        }
    }

    /// <summary>If a failed test left the killed server's PostgreSQL running, stop it (immediate mode; the data is thrown away).</summary>
    private static async Task StopLeftOverPostgresAsync(string dataDirectory)
    {
        var postgresData = Path.Combine(dataDirectory, "postgres");
        if (!File.Exists(Path.Combine(postgresData, "postmaster.pid")))
        {
            return;
        }
        var pgCtl = PostgresBinaries.Find().PgCtl;
        string[] stop = [pgCtl, "stop", "-D", postgresData, "-m", "immediate", "-w", "-t", "30"];
        // As root, PostgreSQL runs as the postgres account (LocalPostgresCluster), and pg_ctl must too.
        var info = Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", .. stop])
            : new ProcessStartInfo(stop[0], stop[1..]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info);
        if (process is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    /// <summary>The built NmtPractice.Server as its own process, embedded mode, on 127.0.0.1.</summary>
    private sealed class EmbeddedProcess
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _log = new();
        private readonly Stopwatch _sinceStart;

        private EmbeddedProcess(string dataDirectory, string url, Process process, Stopwatch sinceStart)
        {
            DataDirectory = dataDirectory;
            Url = url;
            _process = process;
            _sinceStart = sinceStart;
        }

        public string DataDirectory { get; }

        public string Url { get; }

        public IReadOnlyCollection<string> Log => _log;

        public static EmbeddedProcess Start(string name, string dataDirectory, ITestOutputHelper output)
        {
            var url = $"http://127.0.0.1:{ProcessCluster.FreePort()}";
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { ProcessCluster.ServerDll(), "--data-dir", dataDirectory, "--urls", url, "--Nmt:HttpUrl", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning" })
            {
                info.ArgumentList.Add(arg);
            }
            var sinceStart = Stopwatch.StartNew();
            var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
            var server = new EmbeddedProcess(dataDirectory, url, process, sinceStart);
            void Log(string? line)
            {
                if (line is null)
                {
                    return;
                }
                server._log.Enqueue(line);
                try
                {
                    output.WriteLine($"[{name} {sinceStart.Elapsed.TotalSeconds,5:F1} s] {line}");
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

        /// <summary>
        /// Waits until an authenticated gRPC call (a read through a grain) succeeds and returns the time since the
        /// process was started. The signing key exists only once the server has started, so it is read inside the loop.
        /// </summary>
        public async Task<TimeSpan> WaitAnsweringAsync(TimeSpan giveUpAfter)
        {
            using var channel = GrpcChannel.ForAddress(Url);
            while (true)
            {
                Assert.False(_process.HasExited, $"the server exited with {(_process.HasExited ? _process.ExitCode : 0)}");
                Assert.True(_sinceStart.Elapsed < giveUpAfter, $"the server did not answer within {giveUpAfter.TotalSeconds} s");
                try
                {
                    var clinics = new ClinicService.ClinicServiceClient(channel.WithToken(RestartTests.AdminToken(DataDirectory)));
                    // The first call activates grains in a cold process; a short deadline would cut it off and start over.
                    await clinics.ListClinicsAsync(new ListClinicsRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
                    return _sinceStart.Elapsed;
                }
                catch (Exception e) when (e is RpcException or InvalidOperationException)
                {
                    // Not listening yet, no signing key file yet, or the silo is still joining.
                }
                await Task.Delay(100);
            }
        }

        /// <summary>SIGKILL, by pid, of the server process alone: its PostgreSQL keeps running, as after a real crash.</summary>
        public void KillHard()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                _process.WaitForExit(10_000);
            }
        }

        /// <summary>SIGTERM: the server stops its silo and its PostgreSQL; SIGKILL if it does not exit in time.</summary>
        public async Task StopAsync()
        {
            if (!_process.HasExited)
            {
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    KillHard();
                }
            }
            _process.Dispose();
        }
    }
}
