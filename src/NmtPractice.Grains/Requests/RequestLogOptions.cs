namespace NmtPractice.Grains.Requests;

/// <summary>Configuration section <c>Nmt:Requests</c>: how long request ids are remembered.</summary>
public sealed class RequestLogOptions
{
    public const string Section = "Nmt:Requests";

    /// <summary>
    /// How long a request id is remembered (its first answer kept for retries, a reuse refused): a day by default, as
    /// payment APIs keep idempotency keys; a retry later than that runs as a new request.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the pruner deletes what is older than <see cref="Retention"/>.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);
}
