namespace NmtPractice.Server;

/// <summary>OpenTelemetry export; off unless an endpoint is set here or in OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
public sealed class OtlpOptions
{
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>; falls back to OTEL_EXPORTER_OTLP_PROTOCOL.</summary>
    public string? Protocol { get; set; }
}
