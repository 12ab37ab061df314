using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NmtPractice.Grains.Infrastructure;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NmtPractice.Server;

/// <summary>
/// OpenTelemetry over OTLP, only when an endpoint is configured (Nmt:Otlp:Endpoint or OTEL_EXPORTER_OTLP_ENDPOINT):
/// traces from ASP.NET Core/gRPC, Orleans grain calls and Npgsql plus our "NmtPractice" source; metrics from Orleans'
/// "Microsoft.Orleans" meter, ASP.NET Core and our "NmtPractice" meter. Without an endpoint nothing is collected.
/// </summary>
public static class Telemetry
{
    public const string ServiceName = "nmt-practice";

    public static WebApplicationBuilder AddNmtTelemetry(this WebApplicationBuilder builder, NmtOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.Otlp.Endpoint ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return builder;
        }
        var protocol = (options.Otlp.Protocol ?? builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] ?? "grpc") switch
        {
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            _ => OtlpExportProtocol.Grpc,
        };
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceInstanceId: $"{Environment.MachineName}-{Environment.ProcessId}")
                .AddAttributes([new("nmt.role", options.Role)]))
            .WithTracing(t => t
                .AddSource(NmtMetrics.MeterName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation()
                .AddNpgsql())
            .WithMetrics(m => m
                .AddMeter("Microsoft.Orleans", NmtMetrics.MeterName)
                .AddAspNetCoreInstrumentation())
            .UseOtlpExporter(protocol, new Uri(endpoint));
        return builder;
    }
}
