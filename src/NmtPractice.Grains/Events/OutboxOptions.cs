namespace NmtPractice.Grains.Events;

/// <summary>Configuration section <c>Nmt:Events</c>: how long events are kept and how often they are pruned.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Nmt:Events";

    /// <summary>How long an event stays readable (a reader further behind resumes from the oldest kept event).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the pruner runs.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);
}
