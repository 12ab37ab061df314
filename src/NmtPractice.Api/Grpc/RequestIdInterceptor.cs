using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core.Interceptors;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// Makes a request's <c>request_id</c> (any request message with a string field of that name) visible for the whole
/// call: the current <see cref="Activity"/> gets the tag <see cref="TagName"/>, and every log line written during the
/// call carries it in a logging scope as <c>RequestId</c>. Only ids the wire allows (1 to
/// <see cref="BookingLimits.MaxRequestIdLength"/> characters) are attached; the services still validate the field.
/// </summary>
public sealed class RequestIdInterceptor(ILogger<RequestIdInterceptor> logger) : Interceptor
{
    public const string TagName = "nmt.request_id";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        using var scope = Enter(request);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        using var scope = Enter(request);
        await continuation(request, responseStream, context);
    }

    /// <summary>The request id of <paramref name="request"/>, or null when it has none (or one the wire refuses).</summary>
    public static string? Of(object? request) =>
        request is IMessage message
            && message.Descriptor.FindFieldByName("request_id") is { FieldType: FieldType.String, IsRepeated: false } field
            && field.Accessor.GetValue(message) is string { Length: > 0 and <= BookingLimits.MaxRequestIdLength } id
            ? id
            : null;

    private IDisposable? Enter(object? request)
    {
        if (Of(request) is not { } requestId)
        {
            return null;
        }
        Activity.Current?.SetTag(TagName, requestId);
        return logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId });
    }
}
