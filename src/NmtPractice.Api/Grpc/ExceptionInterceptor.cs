using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core.Interceptors;
using Orleans.Runtime;
using Orleans.Storage;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// The gateway's last line: refuses oversized string fields before any service code runs, and turns exceptions that
/// escape a service into a status a caller can act on. The cluster or database being unreachable (Orleans errors,
/// timeouts, <see cref="LedgerUnavailableException"/> from the grains) is UNAVAILABLE; a concurrent grain-state write
/// is ABORTED; anything else is logged and returned as INTERNAL with a trace id, never with the exception's details.
/// It knows no database type: the grains turn database failures into <see cref="LedgerUnavailableException"/>.
/// </summary>
public sealed class ExceptionInterceptor(ILogger<ExceptionInterceptor> logger) : Interceptor
{
    /// <summary>Any single string field longer than this is refused (the services apply tighter limits per field).</summary>
    public const int MaxFieldLength = 64 * 1024;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        RefuseOversizedFields(request);
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    /// <summary>Streaming calls (the CSV export) get the same checks and the same translation as unary ones.</summary>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        RefuseOversizedFields(request);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    private static void RefuseOversizedFields<TRequest>(TRequest request)
    {
        if (request is IMessage message && FindOversizedField(message, "") is { } field)
        {
            ApiErrors.ThrowInvalid(field, $"{field} is longer than {MaxFieldLength / 1024} KB.");
        }
    }

    private RpcException Translate(Exception e, ServerCallContext context)
    {
        if (e is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
        }
        if (Find<InconsistentStateException>(e) is not null)
        {
            logger.LogInformation("{Method}: concurrent state change: {Message}", context.Method, e.Message);
            return ApiErrors.ToRpcException(new Refusal(RefusalReason.Concurrency, "The data changed concurrently; read it again and retry."));
        }
        if (IsUnavailable(e))
        {
            logger.LogWarning(e, "{Method}: the cluster or the database is unavailable", context.Method);
            return ApiErrors.Unavailable("The service is temporarily unavailable (cluster or database unreachable); retry later.");
        }
        var traceId = Activity.Current?.TraceId.ToString() ?? context.GetHttpContext().TraceIdentifier;
        logger.LogError(e, "{Method} failed unexpectedly (trace id {TraceId})", context.Method, traceId);
        return ApiErrors.Internal(traceId);
    }

    /// <summary>
    /// True when the cause is an unreachable or overloaded cluster or database rather than a fault of ours: a
    /// <see cref="LedgerUnavailableException"/> anywhere in the inner-exception chain, a timeout, a socket error, or an
    /// Orleans exception that wraps nothing else (no silo, message rejected). An Orleans exception wrapping another
    /// kind of error (say, grain state that cannot be deserialized) is a fault: INTERNAL, logged.
    /// </summary>
    public static bool IsUnavailable(Exception e)
    {
        if (Find<LedgerUnavailableException>(e) is not null)
        {
            return true;
        }
        for (var depth = 0; depth < 8; depth++)
        {
            switch (e)
            {
                case TimeoutException or System.Net.Sockets.SocketException:
                    return true;
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    continue;
                case OrleansException when e.InnerException is null:
                    return true;
                case OrleansException:
                    e = e.InnerException!;
                    continue;
                default:
                    return false;
            }
        }
        return false;
    }

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (var depth = 0; e is not null && depth < 8; depth++)
        {
            if (e is T found)
            {
                return found;
            }
            e = e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e.InnerException;
        }
        return null;
    }

    /// <summary>The path of the first string field (at any depth, in repeated fields too) longer than <see cref="MaxFieldLength"/>.</summary>
    public static string? FindOversizedField(IMessage message, string prefix)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var path = WireFormat.Join(prefix, field.Name);
            var value = field.Accessor.GetValue(message);
            switch (field.FieldType)
            {
                case FieldType.String when field.IsRepeated:
                    var i = 0;
                    foreach (var item in (System.Collections.IEnumerable)value)
                    {
                        if (((string)item).Length > MaxFieldLength)
                        {
                            return $"{path}[{i}]";
                        }
                        i++;
                    }
                    break;
                case FieldType.String when value is string { Length: > MaxFieldLength }:
                    return path;
                case FieldType.Message when field.IsRepeated:
                    var j = 0;
                    foreach (var item in (System.Collections.IEnumerable)value)
                    {
                        if (item is IMessage child && FindOversizedField(child, $"{path}[{j}]") is { } found)
                        {
                            return found;
                        }
                        j++;
                    }
                    break;
                case FieldType.Message when !field.IsMap && value is IMessage child:
                    if (FindOversizedField(child, path) is { } nested)
                    {
                        return nested;
                    }
                    break;
            }
        }
        return null;
    }
}
