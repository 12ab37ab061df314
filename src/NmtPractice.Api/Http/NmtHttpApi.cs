using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.Extensions.DependencyInjection;

namespace NmtPractice.Api.Http;

/// <summary>
/// The API over HTTP/1.1 for browsers and plain HTTP clients, beside gRPC: every RPC as JSON through gRPC JSON
/// transcoding (the <c>google.api.http</c> routes in the .proto files; docs/api-http.md), gRPC-Web, and CORS. A
/// transcoded call is the same gRPC call: it passes the same interceptors (authentication, authorisation,
/// validation, idempotency) and fails with the same <c>google.rpc.Status</c>, written as JSON.
/// </summary>
public static class NmtHttpApi
{
    public const string CorsPolicy = "nmt-http";

    /// <summary>
    /// The message types a status may carry in its details: without them in the registry, the JSON writer could not
    /// write the details of an error (BadRequest, ErrorInfo, PreconditionFailure, our Alternatives).
    /// </summary>
    public static TypeRegistry ErrorDetailTypes { get; } =
        TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor, CommonReflection.Descriptor);

    /// <summary>JSON transcoding and the CORS policy; call after <see cref="NmtApi.AddNmtApi"/>.</summary>
    public static IServiceCollection AddNmtHttpApi(this IServiceCollection services, CorsOriginOptions cors)
    {
        ArgumentNullException.ThrowIfNull(cors);
        services.AddGrpc().AddJsonTranscoding(o => o.TypeRegistry = ErrorDetailTypes);
        services.AddCors(o => o.AddPolicy(CorsPolicy, policy =>
        {
            // No origin configured: a policy that allows none, so a foreign page's preflight gets no grant.
            policy.WithOrigins(cors.AllowedOrigins)
                .AllowAnyHeader()
                .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                // gRPC-Web reads its status from these; transcoded JSON needs none.
                .WithExposedHeaders("grpc-status", "grpc-message", "grpc-status-details-bin");
        }));
        return services;
    }

    /// <summary>
    /// The HTTP pipeline between routing and the endpoints: CORS first (a preflight is answered before anything else),
    /// then gRPC-Web (a gRPC-Web request becomes a gRPC call to the same services). Call after <c>UseRouting</c>.
    /// </summary>
    public static IApplicationBuilder UseNmtHttpApi(this IApplicationBuilder app)
    {
        app.UseCors(CorsPolicy);
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        return app;
    }
}
