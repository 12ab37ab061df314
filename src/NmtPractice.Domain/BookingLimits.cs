namespace NmtPractice.Domain;

/// <summary>
/// The limits of a booking request, checked at the gateway (to name the wire field) and again by the grains (which any
/// caller may reach): one home for each number.
/// </summary>
public static class BookingLimits
{
    /// <summary>An availability search covers at most this many days (from and to inclusive, so to - from &lt; 31).</summary>
    public const int MaxSearchDays = 31;

    /// <summary>The spacing of candidate starts in an availability search: whole minutes, 5 to 240.</summary>
    public const int MinGridMinutes = 5;

    public const int MaxGridMinutes = 240;

    /// <summary>True when <paramref name="grid"/> is whole minutes from <see cref="MinGridMinutes"/> to <see cref="MaxGridMinutes"/>.</summary>
    public static bool IsValidGrid(Duration grid) =>
        grid >= Duration.FromMinutes(MinGridMinutes) && grid <= Duration.FromMinutes(MaxGridMinutes) && grid.TotalMinutes % 1 == 0;

    /// <summary>The longest request id (the idempotency key of Book and Hold, of cover plans).</summary>
    public const int MaxRequestIdLength = 128;

    /// <summary>
    /// The request id of a mutation that needs one: present, not blank, at most <see cref="MaxRequestIdLength"/>
    /// characters and free of control characters. Null when it passes.
    /// </summary>
    public static Refusal? CheckRequestId(string? requestId) => Validation.First(
        Validation.OptionalText("request_id", requestId, MaxRequestIdLength),
        string.IsNullOrWhiteSpace(requestId) ? Refusal.Invalid("request_id", "request_id is required (an idempotency key).") : null);

    /// <summary>
    /// The diary's range: instants in [<see cref="EarliestInstant"/>, <see cref="LatestInstant"/>), 2000-01-01 to
    /// 2200-01-01 UTC. Nothing in a clinic's diary is further off.
    /// </summary>
    public static readonly Instant EarliestInstant = Instant.FromUtc(2000, 1, 1, 0, 0);

    public static readonly Instant LatestInstant = Instant.FromUtc(2200, 1, 1, 0, 0);
}
