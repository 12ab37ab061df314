using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core.Interceptors;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// Makes every unary mutation that carries a <c>request_id</c> safe to retry, through the durable request log
/// (<see cref="IRequestLogGrain"/>): the same request (same RPC, same request message, same caller) gets the first
/// answer without running again; the same id with anything else is refused FAILED_PRECONDITION REQUEST_ID_REUSED; a
/// duplicate that arrives while the first is running waits for its answer (at most <see cref="MaxWait"/>, then
/// REQUEST_IN_PROGRESS). A call that fails is forgotten, so its retry runs again. Without a request id nothing changes.
/// The booking RPCs are left to the ledger (<see cref="LedgerKeyed"/>), which records their request ids in the
/// transaction of the change itself. The log and the effect do not share a transaction: a crash between the effect and
/// the stored answer lets a retry (after the claim's lease) run again (docs/architecture.md, "Retries and request ids").
/// </summary>
public sealed class IdempotencyInterceptor(IGrainFactory grains, ILogger<IdempotencyInterceptor> logger) : Interceptor
{
    /// <summary>
    /// How long a duplicate waits for the first call's answer: longer than a mutation normally takes even on a loaded
    /// machine, shorter than a client's usual deadline, so that it gets REQUEST_IN_PROGRESS (retry later) rather than a timeout.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    /// <summary>The RPCs whose request ids the appointments ledger keeps, in the same transaction as their effect.</summary>
    public static readonly IReadOnlySet<string> LedgerKeyed = new HashSet<string>(StringComparer.Ordinal)
    {
        "/nmt.practice.v1.BookingService/Book",
        "/nmt.practice.v1.BookingService/Hold",
        "/nmt.practice.v1.BookingService/ConfirmHold",
        "/nmt.practice.v1.BookingService/Reschedule",
        "/nmt.practice.v1.BookingService/Cancel",
        "/nmt.practice.v1.BookingService/CheckIn",
        "/nmt.practice.v1.BookingService/Complete",
        "/nmt.practice.v1.BookingService/MarkNoShow",
    };

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (LedgerKeyed.Contains(context.Method)
            || request is not IMessage message
            || RequestIdInterceptor.Of(request) is not { } requestId)
        {
            return await continuation(request, context);
        }

        var fingerprint = Fingerprint(context.Method, CallerContext.Current?.Subject, message);
        var log = grains.GetGrain<IRequestLogGrain>(0);
        var waited = Stopwatch.StartNew();
        for (var round = 1; ; round++)
        {
            var claim = await log.Claim(requestId, fingerprint, context.Method);
            if (claim.Kind == RequestClaimKind.Claimed)
            {
                break;
            }
            if (claim.Kind == RequestClaimKind.Reused)
            {
                throw ApiErrors.ToRpcException(new Refusal(
                    RefusalReason.RequestIdReused,
                    "This request_id was already used for a different request (another operation, other parameters or another caller); use a new request_id.",
                    "request_id"));
            }
            if (claim.Kind == RequestClaimKind.Done)
            {
                logger.LogInformation("Answering request {RequestId} ({Method}) from the request log", requestId, context.Method);
                return Replay<TResponse>(claim, context);
            }
            if (waited.Elapsed > MaxWait)
            {
                throw ApiErrors.ToRpcException(new Refusal(
                    RefusalReason.RequestInProgress,
                    "A request with this request_id is still running; retry shortly to get its answer.",
                    "request_id"));
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(20 * round, 200)), context.CancellationToken);
        }

        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch
        {
            await Forget(log, requestId, fingerprint);
            throw;
        }

        try
        {
            var answer = (IMessage)response;
            await log.Complete(requestId, fingerprint, answer.ToByteArray(), Trailers(context), ClientIds(message, answer));
        }
        catch (Exception e)
        {
            // The call succeeded: its answer goes out. A retry of it after the claim's lease runs it again.
            logger.LogWarning(e, "Could not store the answer of request {RequestId} ({Method})", requestId, context.Method);
        }
        return response;
    }

    /// <summary>What makes a request this request: the RPC, the caller and every field of the message (the id included).</summary>
    public static byte[] Fingerprint(string method, string? caller, IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var head = Encoding.UTF8.GetBytes($"{method}\u001f{caller ?? ""}\u001f");
        var body = message.ToByteArray();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(head);
        hash.AppendData(body);
        return hash.GetHashAndReset();
    }

    /// <summary>Every <c>client_id</c> (and <c>client_ids</c>) the messages name, however deep: erasing a client forgets these answers.</summary>
    public static IReadOnlyList<string> ClientIds(params IMessage[] messages)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            Collect(message, found, depth: 0);
        }
        return [.. found];
    }

    private static void Collect(IMessage? message, HashSet<string> found, int depth)
    {
        if (message is null || depth > 16)
        {
            return;
        }
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.FieldType == FieldType.String && field.Name is "client_id" or "client_ids")
            {
                IEnumerable<string> ids = field.IsRepeated ? ((System.Collections.IEnumerable)value).Cast<string>() : new[] { (string)value };
                foreach (var id in ids)
                {
                    if (id.Length > 0)
                    {
                        found.Add(id);
                    }
                }
            }
            else if (field.FieldType == FieldType.Message)
            {
                if (field.IsRepeated)
                {
                    foreach (var item in (System.Collections.IEnumerable)value)
                    {
                        Collect(item as IMessage, found, depth + 1);
                    }
                }
                else
                {
                    Collect(value as IMessage, found, depth + 1);
                }
            }
        }
    }

    private static List<string> Trailers(ServerCallContext context) =>
        [.. context.ResponseTrailers.Where(t => !t.IsBinary).SelectMany(t => new[] { t.Key, t.Value })];

    private static TResponse Replay<TResponse>(RequestClaim claim, ServerCallContext context)
    {
        var response = Activator.CreateInstance<TResponse>();
        ((IMessage)response!).MergeFrom(claim.Response ?? []);
        var trailers = claim.Trailers ?? [];
        for (var i = 0; i + 1 < trailers.Count; i += 2)
        {
            context.ResponseTrailers.Add(trailers[i], trailers[i + 1]);
        }
        return response;
    }

    private async Task Forget(IRequestLogGrain log, string requestId, byte[] fingerprint)
    {
        try
        {
            await log.Release(requestId, fingerprint);
        }
        catch (Exception e)
        {
            // The claim lapses by itself after its lease.
            logger.LogWarning(e, "Could not release request {RequestId} after its call failed", requestId);
        }
    }
}
