using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Health.V1;
using Grpc.Net.Client;
using NmtPractice.Hosting.LocalPostgres;
using Xunit.Abstractions;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The README's quick start, run as a newcomer runs it: the command lines are read from README.md (so the test follows
/// the README and fails when the README stops working), run through bash from the repository root: the server with
/// `--demo`, then `login` and `clinics list` with the CLI. Only the environment differs from a newcomer's terminal, so
/// that the test never touches a developer's own server: a free port (ASPNETCORE_URLS, NMT_SERVER), a temporary data
/// directory (Nmt__DataDirectory for the server, NMT_DATA_DIR for `nmt login`) and token file (XDG_CONFIG_HOME). That
/// both programs default to ./.data/nmt of the directory they are started from is DataDirectoryTests' job.
/// The README's second command, `dotnet test NmtPractice.sln`, is what CI runs around this test.
/// </summary>
public sealed partial class ReadmeQuickStartTests(ITestOutputHelper output)
{
    /// <summary>
    /// `dotnet run` checks the build of the project graph before it starts (the solution is already built when tests
    /// run, so nothing is compiled): 10-40 s on a loaded 2-core machine, then initdb and the silo's start. Generous,
    /// because a slow machine is not what this test is about; a broken command fails at once with its exit code.
    /// </summary>
    private static readonly TimeSpan ServerStartBound = TimeSpan.FromMinutes(4);

    private static readonly TimeSpan CliBound = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task The_quick_start_commands_work_as_written_from_the_repository_root()
    {
        var root = RepositoryRoot();
        var quickStart = QuickStartSection(File.ReadAllText(Path.Combine(root, "README.md")));
        var block = Assert.Single(BashBlock().Matches(quickStart)).Groups[1].Value;
        var commands = block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('#', 2)[0].Trim())
            .Where(line => line.Length > 0)
            .ToList();
        Assert.Equal(2, commands.Count);
        var runServer = commands[0];
        Assert.StartsWith("dotnet run --project src/NmtPractice.Server", runServer, StringComparison.Ordinal);
        Assert.Contains("--demo", runServer, StringComparison.Ordinal);
        Assert.Equal("dotnet test NmtPractice.sln", commands[1]);
        var cliCommands = CliCommand().Matches(quickStart).Select(m => m.Groups[1].Value).ToList();
        var login = Assert.Single(cliCommands, c => c.Contains(" login ", StringComparison.Ordinal));
        var listClinics = Assert.Single(cliCommands, c => c.EndsWith(" clinics list", StringComparison.Ordinal));

        var scratch = Directory.CreateTempSubdirectory("nmt-readme-").FullName;
        var dataDirectory = Path.Combine(scratch, "data");
        var url = $"http://127.0.0.1:{ProcessCluster.FreePort()}";
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = url,
            // The HTTP endpoint would follow the gRPC port (port + 1), which another test may hold.
            ["Nmt__HttpUrl"] = "http://127.0.0.1:0",
            ["Nmt__DataDirectory"] = dataDirectory,
            ["NMT_SERVER"] = url,
            ["NMT_DATA_DIR"] = dataDirectory,
            ["XDG_CONFIG_HOME"] = Path.Combine(scratch, "config"),
            ["NMT_TOKEN"] = "",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        var server = Shell.Start("server", runServer, root, environment, output);
        try
        {
            await WaitServingAsync(server, url);

            var loggedIn = await Shell.RunAsync("login", login, root, environment, output, CliBound);
            Assert.True(loggedIn.ExitCode == 0, $"`{login}` exited with {loggedIn.ExitCode}: {loggedIn.Output}");
            Assert.True(File.Exists(Path.Combine(scratch, "config", "nmt", "token")), "nmt login wrote no token file");

            // --demo seeds the chain right after start-up; the listing shows it once seeded.
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var listed = await Shell.RunAsync("clinics", listClinics, root, environment, output, CliBound);
                Assert.True(listed.ExitCode == 0, $"`{listClinics}` exited with {listed.ExitCode}: {listed.Output}");
                if (listed.Output.Contains("london-soho", StringComparison.Ordinal))
                {
                    break;
                }
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the demo chain was not listed: {listed.Output}");
                await Task.Delay(1000);
            }
        }
        finally
        {
            await server.InterruptAsync();
            await StopLeftOverPostgresAsync(dataDirectory);
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                output.WriteLine($"could not delete {scratch}: {e.Message}");
            }
        }
    }

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex(@"`(dotnet run --project src/NmtPractice\.Cli -- [^`]+)`")]
    private static partial Regex CliCommand();

    private static string QuickStartSection(string readme)
    {
        var start = readme.IndexOf("## Quick start", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Quick start' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NmtPractice.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("the repository root (NmtPractice.sln) was not found");
    }

    /// <summary>Health answers SERVING (it checks the database) and the server wrote its signing key.</summary>
    private async Task WaitServingAsync(Shell server, string url)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var health = new Health.HealthClient(channel);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (server.HasExited)
            {
                Assert.Fail($"the server command exited with {server.ExitCode}:\n{server.Log}");
            }
            Assert.True(clock.Elapsed < ServerStartBound, $"the server did not serve within {ServerStartBound.TotalMinutes} min:\n{server.Log}");
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    output.WriteLine($"serving after {clock.Elapsed.TotalSeconds:F1} s");
                    return;
                }
            }
            catch (Grpc.Core.RpcException)
            {
                // Still building, starting PostgreSQL or the silo.
            }
            await Task.Delay(500);
        }
    }

    private static async Task StopLeftOverPostgresAsync(string dataDirectory)
    {
        var postgresData = Path.Combine(dataDirectory, "postgres");
        if (!File.Exists(Path.Combine(postgresData, "postmaster.pid")))
        {
            return;
        }
        string[] stop = [PostgresBinaries.Find().PgCtl, "stop", "-D", postgresData, "-m", "immediate", "-w", "-t", "30"];
        var info = Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", .. stop])
            : new ProcessStartInfo(stop[0], stop[1..]);
        using var process = Process.Start(info);
        if (process is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    /// <summary>A command line run by bash in its own process group, as a terminal runs it.</summary>
    private sealed class Shell
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _log = new();

        private Shell(Process process) => _process = process;

        public bool HasExited => _process.HasExited;

        public int ExitCode => _process.ExitCode;

        public string Log => string.Join('\n', _log.TakeLast(60));

        public static Shell Start(string name, string command, string directory, IReadOnlyDictionary<string, string> environment, ITestOutputHelper output)
        {
            // setsid: the command and what it starts (dotnet run starts the server as a child) form one process group,
            // which InterruptAsync signals as Ctrl+C in a terminal would.
            var info = new ProcessStartInfo("setsid", ["bash", "-c", command])
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
            var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start `{command}`");
            var shell = new Shell(process);
            var clock = Stopwatch.StartNew();
            void Log(string? line)
            {
                if (line is null)
                {
                    return;
                }
                shell._log.Enqueue(line);
                try
                {
                    output.WriteLine($"[{name} {clock.Elapsed.TotalSeconds,5:F1} s] {line}");
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
            return shell;
        }

        public static async Task<(int ExitCode, string Output)> RunAsync(
            string name, string command, string directory, IReadOnlyDictionary<string, string> environment, ITestOutputHelper output, TimeSpan bound)
        {
            var shell = Start(name, command, directory, environment, output);
            using var timeout = new CancellationTokenSource(bound);
            try
            {
                await shell._process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                await shell.InterruptAsync();
                Assert.Fail($"`{command}` did not finish within {bound.TotalSeconds} s:\n{shell.Log}");
            }
            // WaitForExitAsync also waits for the redirected output to be read to its end.
            return (shell._process.ExitCode, string.Join('\n', shell._log));
        }

        /// <summary>SIGINT to the whole group, as Ctrl+C; SIGKILL to the group if it has not ended in 60 s.</summary>
        public async Task InterruptAsync()
        {
            if (!_process.HasExited)
            {
                await SignalGroupAsync("-INT");
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    await SignalGroupAsync("-KILL");
                }
            }
        }

        private async Task SignalGroupAsync(string signal)
        {
            var group = "-" + _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var kill = Process.Start("kill", [signal, "--", group]);
            await kill.WaitForExitAsync();
        }
    }
}
