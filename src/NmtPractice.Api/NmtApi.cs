using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NmtPractice.Api.Grpc;
using NmtPractice.Api.Security;

namespace NmtPractice.Api;

/// <summary>Registers and maps the public gRPC API (services, error interceptor, reflection, grpc.health.v1).</summary>
public static class NmtApi
{
    /// <summary>
    /// gRPC services behind the authorisation gate (outermost: every RPC but health and reflection needs a valid token
    /// and a policy in <see cref="RpcPolicies"/>) and the exception interceptor, server reflection, and health checks.
    /// Authentication itself is registered by <see cref="NmtAuthentication.AddNmtAuthentication"/>; without it every
    /// call is refused.
    /// </summary>
    public static IServiceCollection AddNmtApi(this IServiceCollection services)
    {
        services.AddSingleton<ScopeResolver>();
        services.AddSingleton<RpcGate>();
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<AuthorizationInterceptor>();
            o.Interceptors.Add<ExceptionInterceptor>();
            o.MaxReceiveMessageSize = 4 * 1024 * 1024;
            o.EnableDetailedErrors = false;
        });
        // The caller seam of the record and audit services (a header stand-in until token authentication replaces it).
        services.TryAddSingleton<ICallerAccessor, GatewayCallerAccessor>();
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks();
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
