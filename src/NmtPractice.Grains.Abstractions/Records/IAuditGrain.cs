namespace NmtPractice.Grains.Abstractions.Records;

/// <summary>
/// The audit trail for the gateway: reads it (chain-admins everything, clinic managers their clinics' rows) and writes
/// the rows the gateway owes it (contact-detail reads, refusals at the gate). Stateless; key 0.
/// </summary>
[Alias("nmt.IAuditGrain")]
public interface IAuditGrain : IGrainWithIntegerKey
{
    /// <summary>Up to <paramref name="limit"/> rows; a full page means there may be more after its last id.</summary>
    [Alias("Query")] Task<Result<IReadOnlyList<AuditRecord>>> Query(AuditFilter filter, int limit);

    /// <summary>
    /// One row per client (outcome ok, target the client) for a read of their contact details by the current caller
    /// (<see cref="CallerContext.Current"/>; "system" without one), in one write. Completes once written; a failed
    /// write fails the call, so the read fails with it.
    /// </summary>
    [Alias("RecordClientReads")] Task RecordClientReads(string action, IReadOnlyList<string> clientIds);

    /// <summary>
    /// A call the gateway refused at the gate (outcome denied): <paramref name="caller"/> tried <paramref name="action"/>
    /// on the record of <paramref name="clientId"/> (as the request gave it); <paramref name="reason"/> is the refusal's
    /// reason code. No clinic: such rows are for chain admins to review.
    /// </summary>
    [Alias("RecordGateRefusal")] Task RecordGateRefusal(Caller caller, string action, string? clientId, string? reason);
}
