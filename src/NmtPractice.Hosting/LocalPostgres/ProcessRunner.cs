using System.Diagnostics;
using System.Text;

namespace NmtPractice.Hosting.LocalPostgres;

/// <summary>Runs PostgreSQL's command-line programs, optionally as another (unprivileged) account.</summary>
internal static class ProcessRunner
{
    private static readonly string[] RunuserLocations = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"];

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        string? runAsAccount,
        TimeSpan timeout,
        CancellationToken ct)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };

        if (runAsAccount is null)
        {
            psi.FileName = fileName;
            foreach (var a in arguments)
            {
                psi.ArgumentList.Add(a);
            }
        }
        else if (RunuserLocations.FirstOrDefault(File.Exists) is { } runuser)
        {
            psi.FileName = runuser;
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add(runAsAccount);
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(fileName);
            foreach (var a in arguments)
            {
                psi.ArgumentList.Add(a);
            }
        }
        else
        {
            psi.FileName = "su";
            psi.ArgumentList.Add(runAsAccount);
            psi.ArgumentList.Add("-s");
            psi.ArgumentList.Add("/bin/sh");
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(string.Join(' ', new[] { fileName }.Concat(arguments).Select(ShellQuote)));
        }

        using var process = new Process { StartInfo = psi };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            if (ct.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"'{Path.GetFileName(fileName)} {string.Join(' ', arguments)}' did not finish within {timeout}.");
        }

        string o, e;
        lock (stdout)
        {
            o = stdout.ToString();
        }

        lock (stderr)
        {
            e = stderr.ToString();
        }

        return new ProcessResult(process.ExitCode, o, e);
    }

    public static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
