using System.Diagnostics.CodeAnalysis;

namespace NmtPractice.Api.Security;

/// <summary>
/// Who is calling a gRPC method. The gRPC services that guard records ask this seam and pass the answer to the grains
/// in <see cref="CallerContext"/>. The registered one is <see cref="GatewayCallerAccessor"/>.
/// </summary>
public interface ICallerAccessor
{
    /// <summary>The authenticated caller of the call, or null when there is none.</summary>
    Caller? GetCaller(ServerCallContext context);
}

/// <summary>
/// The caller the authorisation interceptor verified from the bearer token and put in <see cref="CallerContext"/>
/// before the service runs (see <see cref="AuthorizationInterceptor"/>).
/// </summary>
public sealed class GatewayCallerAccessor : ICallerAccessor
{
    public Caller? GetCaller(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CallerContext.Current;
    }
}

/// <summary>Puts the caller of a gRPC call into <see cref="CallerContext"/> for the grain calls that follow.</summary>
public static class CallerScope
{
    /// <summary>The caller (now also in <see cref="CallerContext"/>), or UNAUTHENTICATED.</summary>
    public static Caller Enter(this ICallerAccessor callers, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(callers);
        var caller = callers.GetCaller(context);
        if (caller is null)
        {
            ThrowNotAuthenticated();
        }
        CallerContext.Set(caller);
        return caller;
    }

    [DoesNotReturn]
    private static void ThrowNotAuthenticated() =>
        throw new RpcException(new Status(StatusCode.Unauthenticated, "This call needs an authenticated caller."));
}
