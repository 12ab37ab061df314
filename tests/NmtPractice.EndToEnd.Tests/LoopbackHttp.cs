using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>A small Kestrel on 127.0.0.1 (free port) for test doubles of other services: an OTLP receiver, an OpenID Connect issuer.</summary>
public sealed class LoopbackHttp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHttp(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:PORT, no trailing slash.</summary>
    public string Url => _app.Urls.First().TrimEnd('/');

    public static async Task<LoopbackHttp> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // The test directory holds the server's appsettings.json (HTTP/2 only, for h2c gRPC); these doubles speak
        // HTTP/1.1 to their clients (the OTLP/HTTP exporter, the OpenID Connect metadata retriever).
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http1AndHttp2));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackHttp(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
