using System.Diagnostics;
using System.Globalization;

namespace NmtPractice.Server.Seeding;

/// <summary>
/// A one-line progress display: rewritten in place (about four times a second) on a terminal, one line per tenth
/// of the work when the output is redirected to a file or pipe.
/// </summary>
internal sealed class ProgressLine(TextWriter output, string label, long total, bool interactive)
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private long _lastTicks = -1;
    private long _lastTenth = -1;

    public TimeSpan Elapsed => _watch.Elapsed;

    public void Report(long done)
    {
        lock (_lock)
        {
            if (interactive)
            {
                var now = _watch.ElapsedTicks;
                if (_lastTicks >= 0 && now - _lastTicks < Stopwatch.Frequency / 4 && done < total)
                {
                    return;
                }
                _lastTicks = now;
                output.Write("\r" + Text(done) + "   ");
            }
            else
            {
                var tenth = total == 0 ? 10 : done * 10 / total;
                if (tenth == _lastTenth || done >= total)
                {
                    return;
                }
                _lastTenth = tenth;
                output.WriteLine(Text(done));
            }
        }
    }

    /// <summary>Ends the line with the final count and rate.</summary>
    public void Complete(long done)
    {
        lock (_lock)
        {
            output.Write(interactive ? "\r" : "");
            output.WriteLine(Text(done) + " done");
        }
    }

    private string Text(long done)
    {
        var seconds = Math.Max(_watch.Elapsed.TotalSeconds, 1e-3);
        var share = total == 0 ? 1 : (double)done / total;
        return string.Create(CultureInfo.InvariantCulture,
            $"  {label}: {done:N0}/{total:N0} ({share:P0}) in {seconds:0.0} s, {done / seconds:N0}/s");
    }
}
