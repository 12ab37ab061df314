namespace NmtPractice.Api.Grpc;

/// <summary>Configuration section <c>Nmt:Events</c> (the gateway's part): how the live stream polls the outbox.</summary>
public sealed class EventStreamOptions
{
    public const string Section = "Nmt:Events";

    /// <summary>
    /// How long a caught-up stream waits before it reads the outbox again: the floor of the delivery lag, and one small
    /// indexed read per stream per interval.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How many events one read scans at most.</summary>
    public int BatchSize { get; set; } = 500;
}
