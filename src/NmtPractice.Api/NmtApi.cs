using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NmtPractice.Api.Grpc;

namespace NmtPractice.Api;

/// <summary>Registers and maps the public gRPC API (services, error interceptor, reflection, grpc.health.v1).</summary>
public static class NmtApi
{
    /// <summary>The grpc.health.v1 service name a liveness probe asks for: SERVING while the process answers.</summary>
    public const string LivenessService = "liveness";

    /// <summary>
    /// gRPC services behind four interceptors: the authorisation gate (outermost: every RPC but health and reflection
    /// needs a valid token and a policy in <see cref="RpcPolicies"/>; the gate puts the caller into
    /// <see cref="CallerContext"/> for the services and the grains), the request-id interceptor (so that the log lines
    /// of the call carry its request id), the exception interceptor, and the idempotency interceptor (innermost: a
    /// retried mutation gets its first answer from the request log); server reflection and health checks.
    /// Authentication itself is registered by <see cref="NmtAuthentication.AddNmtAuthentication"/>; without it every
    /// call is refused. The services need only an Orleans <see cref="IGrainFactory"/>: every read and write goes through
    /// the grains.
    /// </summary>
    public static IServiceCollection AddNmtApi(this IServiceCollection services)
    {
        services.AddSingleton<ScopeResolver>();
        services.AddSingleton<RpcGate>();
        // Without authentication registered (no keys), staff accounts cannot log in here: a server that mints nothing.
        services.TryAddSingleton(new AccessTokenIssuer(null, "", "", TimeProvider.System));
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<AuthorizationInterceptor>();
            o.Interceptors.Add<RequestIdInterceptor>();
            o.Interceptors.Add<ExceptionInterceptor>();
            o.Interceptors.Add<IdempotencyInterceptor>();
            o.MaxReceiveMessageSize = 4 * 1024 * 1024;
            o.EnableDetailedErrors = false;
        });
        services.AddGrpcReflection();
        // "" (the overall status, with the database check) for readiness; "liveness" checks nothing but that the
        // process answers (a database outage must not get every pod restarted).
        services.AddHealthChecks().AddCheck(LivenessService, () => HealthCheckResult.Healthy(), tags: [LivenessService]);
        services.AddGrpcHealthChecks(o => o.Services.Map(LivenessService, check => check.Tags.Contains(LivenessService)));
        return services;
    }

    /// <summary>Maps the API services, reflection and health. Call after <see cref="AddNmtApi"/>.</summary>
    public static IEndpointRouteBuilder MapNmtApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ClinicGrpcService>();
        endpoints.MapGrpcService<StaffGrpcService>();
        endpoints.MapGrpcService<ClientGrpcService>();
        endpoints.MapGrpcService<BookingGrpcService>();
        endpoints.MapGrpcService<ReportGrpcService>();
        endpoints.MapGrpcService<ClientRecordGrpcService>();
        endpoints.MapGrpcService<AuditGrpcService>();
        endpoints.MapGrpcService<AccountGrpcService>();
        endpoints.MapGrpcService<StaffUserGrpcService>();
        MapOperations(endpoints);
        return endpoints;
    }

    /// <summary>Reflection and grpc.health.v1 only (a silo-only process, so load balancers can probe it).</summary>
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcReflectionService();
        endpoints.MapGrpcHealthChecksService();
        return endpoints;
    }
}
