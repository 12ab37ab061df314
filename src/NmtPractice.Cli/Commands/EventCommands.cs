namespace NmtPractice.Cli.Commands;

/// <summary>EventService: `events watch` prints the event stream, one event a line, until interrupted.</summary>
internal static class EventCommands
{
    public static IEnumerable<Command> Create(App app)
    {
        yield return new Command("events", "What happened: bookings, cancellations, arrivals, rosters, absences, cover (CloudEvents)")
            .With(Watch(app));
    }

    private static Command Watch(App app)
    {
        var after = Opts.Optional("--after", "Start after this cursor (the first column of an event printed earlier) [default: 0, the oldest kept]", "cursor");
        var types = Opts.Many("--type", "Only this event type, e.g. nmt.appointment.booked.v1 [default: every type]", "type");
        var clinics = Opts.Many("--clinic", "Only events at this clinic, or several separated by commas [default: every clinic you may see]", "id");
        var replayOnly = new Option<bool>("--replay-only") { Description = "Stop once caught up instead of waiting for new events" };
        var command = new Command("watch", "Prints events as they happen (replaying from --after first); --json prints each as a CloudEvents JSON line")
            .With(after, types, clinics, replayOnly);
        command.SetAction(app.Run(async (ctx, r, ct) =>
        {
            var request = new WatchEventsRequest { AfterCursor = Cursor(r.GetValue(after)), ReplayOnly = r.GetValue(replayOnly) };
            request.Types_.AddRange(Args.ClinicIds(r.GetValue(types) ?? [])); // comma-separated like --clinic
            request.ClinicIds.AddRange(Args.ClinicIds(r.GetValue(clinics) ?? []));
            // No deadline: a watch runs until it is interrupted (--timeout bounds single calls).
            using var call = ctx.Events.WatchEvents(request, ctx.Watch(ct));
            try
            {
                await foreach (var e in call.ResponseStream.ReadAllAsync(ct))
                {
                    await ctx.Out.WriteLineAsync(Line(e, ctx.Json).AsMemory(), ct);
                    await ctx.Out.FlushAsync(ct);
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
            {
                // Interrupted: the last cursor printed is where to resume.
            }
        }));
        return command;
    }

    /// <summary>"cursor time type subject data", or the CloudEvents JSON with --json.</summary>
    public static string Line(EventEnvelope e, bool json) =>
        json ? e.CloudEventJson : $"{e.Cursor} {e.Time.ToDateTimeOffset():yyyy-MM-ddTHH:mm:ssZ} {e.Type} {e.Subject} {e.DataJson}";

    private static long Cursor(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }
        return long.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cursor)
            ? cursor
            : throw new CliUsageException("--after", $"--after: '{text}' is not a cursor (a whole number, 0 or more).");
    }
}
