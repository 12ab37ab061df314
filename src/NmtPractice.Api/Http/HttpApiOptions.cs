namespace NmtPractice.Api.Http;

/// <summary>
/// Cross-origin requests to the HTTP endpoint (<c>Nmt:Cors</c>): browsers may call the JSON and gRPC-Web API from
/// these origins only. Empty (the default): no other origin may.
/// </summary>
public sealed class CorsOriginOptions
{
    /// <summary>Origins such as <c>https://desk.example.org</c> (scheme, host and port; no path).</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
