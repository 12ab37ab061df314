namespace NmtPractice.Grains.Records;

/// <summary>
/// The audit trail for the API. Reads: chain-admins read every row; clinic managers the rows of their clinics (a
/// clinic filter outside their scope is refused); other roles nothing; each query is itself audited. Writes: the
/// rows the gateway owes (contact-detail reads, refusals at the gate), written before the call completes.
/// </summary>
[StatelessWorker]
public sealed class AuditGrain(AuditLog log, AuditTrail audit) : Grain, IAuditGrain
{
    async Task<Result<IReadOnlyList<AuditRecord>>> IAuditGrain.Query(AuditFilter filter, int limit)
    {
        const string action = "audit.query";
        var caller = CallerContext.Current;
        IReadOnlyList<string>? scope = caller?.Role switch
        {
            Role.ChainAdmin => null,
            Role.ClinicManager when caller.ClinicIds.Count > 0 => caller.ClinicIds,
            _ => [],
        };
        if (scope is { Count: 0 } || (scope is not null && filter.ClinicId is { } clinic && !scope.Contains(clinic, StringComparer.Ordinal)))
        {
            await audit.Write(AuditEntries.ForCurrentCaller(action, "audit", null, filter.ClinicId, filter.ClientId, null, AuditOutcomes.Denied));
            return new Refusal(RefusalReason.NotAllowed, "Your role and scope do not allow you to read this part of the audit trail.");
        }
        var rows = await log.QueryAsync(
            new AuditQuery(filter.ClientId, filter.ActorSubject, filter.ClinicId, filter.Action, filter.From, filter.To, filter.AfterId, scope), limit);
        await audit.Write(AuditEntries.ForCurrentCaller(action, "audit", null, filter.ClinicId, filter.ClientId, null, AuditOutcomes.Ok, new { rows = rows.Count }));
        return Result<IReadOnlyList<AuditRecord>>.Ok(rows.Select(r => new AuditRecord(
            r.Id, r.At, r.Entry.ActorSubject, r.Entry.ActorRole, r.Entry.ClinicId, r.Entry.Action, r.Entry.TargetKind, r.Entry.TargetId,
            r.Entry.ClientId, r.Entry.AppointmentId, r.Entry.Source, r.Entry.Outcome, r.Entry.Detail)).ToList());
    }

    Task IAuditGrain.RecordClientReads(string action, IReadOnlyList<string> clientIds)
    {
        var caller = CallerContext.Current;
        var entries = clientIds.Select(id => AuditEntries.For(caller, action, "client", id, null, id, null, AuditOutcomes.Ok)).ToList();
        return log.AppendManyAsync(entries);
    }

    Task IAuditGrain.RecordGateRefusal(Caller caller, string action, string? clientId, string? reason) =>
        log.AppendAsync(AuditEntries.For(
            caller, action, "client", clientId, null, string.IsNullOrEmpty(clientId) ? null : clientId, null, AuditOutcomes.Denied, new { reason }));
}
