using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;

namespace NmtPractice.Api.Security;

/// <summary>
/// Who is calling a gRPC method. The gRPC services that guard records ask this seam and pass the answer to the grains
/// in <see cref="CallerContext"/>. The default (<see cref="HeaderCallerAccessor"/>) is a stand-in until token
/// authentication replaces the registration.
/// </summary>
public interface ICallerAccessor
{
    /// <summary>The authenticated caller of the call, or null when there is none.</summary>
    Caller? GetCaller(ServerCallContext context);
}

/// <summary>
/// Test stand-in: reads the caller from the metadata headers <c>x-nmt-subject</c>, <c>x-nmt-role</c> (chain-admin,
/// clinic-manager, front-desk, therapist), <c>x-nmt-clinic</c> (comma-separated clinic ids) and <c>x-nmt-therapist</c>,
/// ONLY when the option <c>Nmt:Auth:TrustHeaders</c> is true; otherwise nobody is authenticated. Never enable it
/// where callers are not trusted: anyone could claim any role.
/// </summary>
public sealed class HeaderCallerAccessor(IConfiguration configuration) : ICallerAccessor
{
    public const string TrustHeadersKey = "Nmt:Auth:TrustHeaders";

    private readonly bool _trustHeaders = configuration.GetValue<bool>(TrustHeadersKey);

    public Caller? GetCaller(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_trustHeaders)
        {
            return null;
        }
        var headers = context.RequestHeaders;
        var subject = headers.GetValue("x-nmt-subject");
        var role = ParseRole(headers.GetValue("x-nmt-role"));
        if (string.IsNullOrWhiteSpace(subject) || role is null)
        {
            return null;
        }
        var clinics = (headers.GetValue("x-nmt-clinic") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var therapist = headers.GetValue("x-nmt-therapist");
        return new Caller(subject.Trim(), role.Value, clinics, string.IsNullOrWhiteSpace(therapist) ? null : therapist.Trim(), context.Peer);
    }

    private static Role? ParseRole(string? role) => role?.Trim() switch
    {
        "chain-admin" => Role.ChainAdmin,
        "clinic-manager" => Role.ClinicManager,
        "front-desk" => Role.FrontDesk,
        "therapist" => Role.Therapist,
        _ => null,
    };
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
