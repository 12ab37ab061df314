namespace NmtPractice.Api.Grpc;

/// <summary>
/// The audit trail for managers and admins: validates the filters, asks the audit grain (which reads the caller from
/// <see cref="CallerContext"/>, set by the <see cref="AuthorizationInterceptor"/>), pages by row id.
/// </summary>
public sealed class AuditGrpcService(IGrainFactory grains) : AuditService.AuditServiceBase
{
    public override async Task<QueryAuditResponse> QueryAudit(QueryAuditRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize);
        var after = Paging.KeyAfter(request.PageToken) is { } key
            ? long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw ApiErrors.ToRpcException(Refusal.Invalid("page_token", "page_token is not a token this list returned."))
            : (long?)null;
        var from = WireFormat.OptionalInstant(request.From, "from");
        var to = WireFormat.OptionalInstant(request.To, "to");
        if (from is { } f && to is { } t && t <= f)
        {
            ApiErrors.ThrowInvalid("to", "to is after from.");
        }
        var filter = new AuditFilter(
            WireFormat.OptionalId(request.ClientId, "client_id"),
            string.IsNullOrEmpty(request.Actor) ? null : WireFormat.RequiredText(request.Actor, "actor"),
            WireFormat.OptionalId(request.ClinicId, "clinic_id"),
            WireFormat.OptionalId(request.Action, "action"),
            from,
            to,
            after);
        var rows = (await grains.GetGrain<IAuditGrain>(0).Query(filter, pageSize + 1)).OrThrow();
        var page = rows.Take(pageSize).ToList();
        var response = new QueryAuditResponse
        {
            NextPageToken = rows.Count > pageSize ? Paging.KeyToken(page[^1].Id.ToString(CultureInfo.InvariantCulture)) : "",
        };
        response.Entries.AddRange(page.Select(r => new AuditEntry
        {
            Id = r.Id,
            At = WireFormat.ToTimestamp(r.At),
            Actor = r.ActorSubject,
            Role = r.ActorRole,
            ClinicId = r.ClinicId ?? "",
            Action = r.Action,
            TargetKind = r.TargetKind,
            TargetId = r.TargetId ?? "",
            ClientId = r.ClientId ?? "",
            AppointmentId = r.AppointmentId?.ToString() ?? "",
            Source = r.Source ?? "",
            Outcome = r.Outcome,
            Detail = r.Detail ?? "",
        }));
        return response;
    }
}
