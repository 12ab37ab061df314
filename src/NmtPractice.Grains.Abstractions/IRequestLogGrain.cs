namespace NmtPractice.Grains.Abstractions;

/// <summary>
/// The durable request log that makes the gateway's mutations safe to retry with their request id (those the ledger
/// does not already key: configuration, rosters, clients, records, cover). The gateway claims a request id with a
/// fingerprint of the call before running it, and completes the claim with the answer (or releases it when the call
/// failed). Stateless: the log is a PostgreSQL table, so every silo answers the same.
/// </summary>
[Alias("nmt.IRequestLogGrain")]
public interface IRequestLogGrain : IGrainWithIntegerKey
{
    /// <summary>Claims <paramref name="requestId"/> for the request <paramref name="fingerprint"/> names, or says why not.</summary>
    [Alias("Claim")] Task<RequestClaim> Claim(string requestId, byte[] fingerprint, string operation);

    /// <summary>Stores the answer of a claimed request; later claims of the same request get it.</summary>
    [Alias("Complete")] Task Complete(string requestId, byte[] fingerprint, byte[] response, IReadOnlyList<string> trailers, IReadOnlyList<string> clientIds);

    /// <summary>Forgets a claimed request that failed, so that a retry runs it again.</summary>
    [Alias("Release")] Task Release(string requestId, byte[] fingerprint);
}

/// <summary>What a claim found.</summary>
public enum RequestClaimKind
{
    /// <summary>The id is new (or its earlier claim lapsed): run the request, then complete or release.</summary>
    Claimed = 1,

    /// <summary>The same request ran already: <see cref="RequestClaim.Response"/> is its answer.</summary>
    Done,

    /// <summary>The id was used for a different request: refuse with REQUEST_ID_REUSED.</summary>
    Reused,

    /// <summary>The same request is running right now (a concurrent duplicate): wait and claim again.</summary>
    Running,
}

/// <summary>A claim's outcome: for <see cref="RequestClaimKind.Done"/>, the stored answer and response trailers (name, value, ...).</summary>
[GenerateSerializer, Immutable, Alias("nmt.RequestClaim")]
public sealed record RequestClaim(
    [property: Id(0)] RequestClaimKind Kind,
    [property: Id(1)] byte[]? Response = null,
    [property: Id(2)] IReadOnlyList<string>? Trailers = null);
