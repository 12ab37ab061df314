using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Net.Client;
using NmtPractice.Hosting.LocalPostgres;
using Xunit.Abstractions;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The embedded default after a crash: the real server process is killed with SIGKILL and started again on the same
/// data directory. Its silo must not wait for the dead one to be voted out of the membership table.
/// </summary>
public sealed class CrashRestartTests(ITestOutputHelper output)
{
    /// <summary>
    /// The bound. A restart does: start the .NET process, stop the PostgreSQL the killed server left running,
    /// start it again (crash recovery), check the migrations, start the silo and Kestrel. That takes 4-7 s on a quiet
    /// 2-core machine; waiting for the dead silo took 70-100 s, so 15 s tells the two apart with room for a loaded CI.
    /// </summary>
    private static readonly TimeSpan RestartBound = TimeSpan.FromSeconds(15);

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
            Assert.True(restart < RestartBound, $"the restarted server answered only after {restart.TotalSeconds:F1} s (bound {RestartBound.TotalSeconds} s)");
            Assert.Contains(second.Log, line => line.Contains("Cleared 1 stale silo(s)", StringComparison.Ordinal));
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
            foreach (var arg in new[] { ProcessCluster.ServerDll(), "--data-dir", dataDirectory, "--urls", url, "--Logging:LogLevel:Default", "Warning" })
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
