using NmtPractice.Persistence.Requests;

namespace NmtPractice.Grains.Requests;

/// <summary>
/// The request log's grain (<see cref="IRequestLogGrain"/>): a stateless worker over the request_log table, so that the
/// gateway, which must not touch the database, can claim and complete request ids.
/// </summary>
[StatelessWorker]
public sealed class RequestLogGrain(RequestLog log) : Grain, IRequestLogGrain
{
    /// <summary>
    /// How long a claim holds its request id before a retry may take it over: longer than any call may take (Orleans
    /// answers or times out a grain call within 30 s), so a live call is never run twice; short enough that a retry
    /// after the gateway died mid-call is not refused for long.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    async Task<RequestClaim> IRequestLogGrain.Claim(string requestId, byte[] fingerprint, string operation)
    {
        var entry = await log.ClaimAsync(requestId, fingerprint, operation, Lease);
        return entry switch
        {
            { Claimed: true } => new RequestClaim(RequestClaimKind.Claimed),
            { SameFingerprint: false } => new RequestClaim(RequestClaimKind.Reused),
            { Done: true } => new RequestClaim(RequestClaimKind.Done, entry.Response, entry.Trailers),
            _ => new RequestClaim(RequestClaimKind.Running),
        };
    }

    Task IRequestLogGrain.Complete(string requestId, byte[] fingerprint, byte[] response, IReadOnlyList<string> trailers, IReadOnlyList<string> clientIds) =>
        log.CompleteAsync(requestId, fingerprint, response, trailers, clientIds);

    Task IRequestLogGrain.Release(string requestId, byte[] fingerprint) => log.ReleaseAsync(requestId, fingerprint);
}
