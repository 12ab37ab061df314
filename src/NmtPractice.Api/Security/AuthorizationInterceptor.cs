using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core.Interceptors;
using NmtPractice.Api.Grpc;

namespace NmtPractice.Api.Security;

/// <summary>
/// The outermost interceptor: every RPC except health, reflection and the anonymous account RPCs
/// (<see cref="RpcPolicies.AnonymousRpcs"/>: Login, Refresh, Logout) passes <see cref="RpcGate"/> before anything else
/// runs (even input validation), and the authenticated <see cref="Caller"/> (with the peer address as its source) is put
/// into <see cref="CallerContext"/> so it travels with every grain call the RPC makes. Client- and bidirectional-streaming
/// RPCs of the API are refused: no policy can see their request yet.
/// </summary>
public sealed class AuthorizationInterceptor(RpcGate gate, IGrainFactory grains, ILogger<AuthorizationInterceptor> logger) : Interceptor
{
    private const string RecordService = "nmt.practice.v1.ClientRecordService/";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (!RpcPolicies.IsOpen(Method(context)))
        {
            // Set here, not inside EnterAsync: an async local set in an awaited method does not flow back to its caller.
            CallerContext.Set(await EnterAsync(request, context));
        }
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (!RpcPolicies.IsOpen(Method(context)))
        {
            CallerContext.Set(await EnterAsync(request, context));
        }
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        RefuseStreamingUnlessOpen(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        RefuseStreamingUnlessOpen(context);
        await continuation(requestStream, responseStream, context);
    }

    private static string Method(ServerCallContext context) => context.Method.TrimStart('/');

    private void RefuseStreamingUnlessOpen(ServerCallContext context)
    {
        if (!RpcPolicies.IsOpen(Method(context)))
        {
            throw ApiErrors.PermissionDenied(RpcGate.NoPolicy, $"{Method(context)}: streaming requests cannot be authorised.");
        }
    }

    /// <summary>The authenticated caller, once the gate let them through.</summary>
    private async Task<Caller> EnterAsync(object request, ServerCallContext context)
    {
        var caller = await gate.AuthenticateAsync(context.GetHttpContext(), context.Peer);
        try
        {
            await gate.AuthorizeAsync(Method(context), caller, request, context.CancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied && Method(context).StartsWith(RecordService, StringComparison.Ordinal))
        {
            await AuditDeniedAsync(caller, Method(context), request, e);
            throw;
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception e) when (ExceptionInterceptor.IsUnavailable(e))
        {
            logger.LogWarning(e, "{Method}: the scope check could not reach the cluster or the database", context.Method);
            throw ApiErrors.Unavailable("The service is temporarily unavailable (cluster or database unreachable); retry later.");
        }
        catch (Exception e)
        {
            var traceId = Activity.Current?.TraceId.ToString() ?? context.GetHttpContext().TraceIdentifier;
            logger.LogError(e, "{Method}: the scope check failed unexpectedly (trace id {TraceId})", context.Method, traceId);
            throw ApiErrors.Internal(traceId);
        }
        return caller;
    }

    /// <summary>
    /// A clinical-record call refused at the gate is an attempted access of a client's record: it goes into the audit
    /// trail through the audit grain (no clinic: it is for chain admins to review). The refusal stands even if the audit
    /// write fails.
    /// </summary>
    private async Task AuditDeniedAsync(Caller caller, string method, object request, RpcException refusal)
    {
        var clientId = request is IMessage message && message.Descriptor.FindFieldByName("client_id") is { } field
            ? field.Accessor.GetValue(message) as string
            : null;
        var reason = refusal.GetRpcStatus()?.Details.Select(d => d.TryUnpack<Google.Rpc.ErrorInfo>(out var info) ? info.Reason : null).FirstOrDefault(r => r is not null);
        try
        {
            await grains.GetGrain<IAuditGrain>(0).RecordGateRefusal(caller, "gateway." + method[RecordService.Length..], clientId, reason);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "{Method}: could not audit a refused record access by {Subject}", method, caller.Subject);
        }
    }
}
