using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace NmtPractice.Server;

/// <summary>
/// Where Kestrel listens. Kestrel cannot tell HTTP/1.1 from cleartext HTTP/2 on one port (without TLS there is no
/// ALPN to negotiate with), so there are two kinds of endpoint: gRPC on <c>urls</c> (HTTP/2 only, as always), and,
/// in processes that serve the API, the HTTP endpoint on <c>Nmt:HttpUrl</c> (HTTP/1.1; over TLS HTTP/1.1 and HTTP/2
/// by ALPN) for JSON, gRPC-Web, the OpenAPI document and the web app. Each is bound explicitly, so that each gets its
/// protocols; the addresses are read back after start (a configured port 0 becomes the one bound).
/// </summary>
internal sealed class ServerEndpoints
{
    private readonly List<(Uri Url, ListenOptions Listen)> _grpc = [];
    private (Uri Url, ListenOptions Listen)? _http;

    private ServerEndpoints(IReadOnlyList<Uri> grpcUrls, Uri? httpUrl)
    {
        ConfiguredGrpcUrls = grpcUrls;
        ConfiguredHttpUrl = httpUrl;
    }

    public IReadOnlyList<Uri> ConfiguredGrpcUrls { get; }

    /// <summary>Null in a process that does not serve the API (a silo alone).</summary>
    public Uri? ConfiguredHttpUrl { get; }

    /// <summary>Reads <c>urls</c> (the gRPC endpoints) and <c>Nmt:HttpUrl</c>, applying the defaults.</summary>
    public static ServerEndpoints Plan(IConfiguration configuration, NmtOptions options, bool servesApi)
    {
        var configured = configuration[WebHostDefaults.ServerUrlsKey];
        var grpc = string.IsNullOrWhiteSpace(configured)
            ? [options.Tls.IsConfigured ? NmtOptions.DefaultTlsUrl : NmtOptions.DefaultUrl]
            : configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var grpcUrls = grpc.Select(u => Parse(u, WebHostDefaults.ServerUrlsKey)).ToList();
        if (!servesApi)
        {
            return new ServerEndpoints(grpcUrls, null);
        }
        Uri httpUrl;
        if (!string.IsNullOrWhiteSpace(options.HttpUrl))
        {
            httpUrl = Parse(options.HttpUrl, "Nmt:HttpUrl");
        }
        else if (string.IsNullOrWhiteSpace(configured))
        {
            httpUrl = new Uri(options.Tls.IsConfigured ? NmtOptions.DefaultTlsHttpUrl : NmtOptions.DefaultHttpUrl);
        }
        else
        {
            // The gRPC endpoint was moved: the HTTP endpoint follows it (next port; a free port stays a free port).
            var first = grpcUrls[0];
            httpUrl = new UriBuilder(first) { Port = first.Port == 0 ? 0 : first.Port + 1 }.Uri;
        }
        if (grpcUrls.Any(u => u.Port != 0 && u.Port == httpUrl.Port && SameHost(u, httpUrl)))
        {
            throw new InvalidOperationException(
                $"Nmt:HttpUrl {httpUrl} is also a gRPC address (urls): Kestrel cannot serve HTTP/1.1 and cleartext HTTP/2 on one port; give the HTTP endpoint a port of its own (docs/configuration.md).");
        }
        return new ServerEndpoints(grpcUrls, httpUrl);
    }

    /// <summary>Binds every endpoint with its protocols; https endpoints use Kestrel's https defaults (Nmt:Tls).</summary>
    public void Configure(KestrelServerOptions kestrel)
    {
        foreach (var url in ConfiguredGrpcUrls)
        {
            _grpc.Add((url, Listen(kestrel, url, HttpProtocols.Http2)));
        }
        if (ConfiguredHttpUrl is { } http)
        {
            var protocols = http.Scheme == Uri.UriSchemeHttps ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
            _http = (http, Listen(kestrel, http, protocols));
        }
    }

    /// <summary>The gRPC addresses as bound (after start).</summary>
    public IReadOnlyList<string> GrpcUrls => [.. _grpc.Select(e => Bound(e.Url, e.Listen))];

    /// <summary>The HTTP endpoint's address as bound (after start), or null.</summary>
    public string? HttpUrl => _http is { } http ? Bound(http.Url, http.Listen) : null;

    private static ListenOptions Listen(KestrelServerOptions kestrel, Uri url, HttpProtocols protocols)
    {
        ListenOptions? bound = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            if (url.Scheme == Uri.UriSchemeHttps)
            {
                listen.UseHttps();
            }
            bound = listen;
        }

        var host = url.Host;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address) && address.Equals(IPAddress.IPv6Any))
        {
            kestrel.ListenAnyIP(url.Port, Configure);
        }
        else if (address is not null)
        {
            kestrel.Listen(address, url.Port, Configure);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && url.Port != 0)
        {
            kestrel.ListenLocalhost(url.Port, Configure);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.Listen(IPAddress.Loopback, 0, Configure);
        }
        else
        {
            // A host name (as in http://my-host:5080): every interface, as Kestrel does with such a URL.
            kestrel.ListenAnyIP(url.Port, Configure);
        }
        return bound!;
    }

    private static string Bound(Uri configured, ListenOptions listen)
    {
        var port = listen.IPEndPoint?.Port ?? configured.Port;
        var host = listen.IPEndPoint?.Address is { } address && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString())
            : configured.Host;
        return $"{configured.Scheme}://{host}:{port}";
    }

    private static bool SameHost(Uri a, Uri b) => string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    private static Uri Parse(string url, string setting)
    {
        // Kestrel's own notation allows * and + for "every interface"; Uri does not.
        var address = BindingAddress.Parse(url.Trim());
        if (address.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{setting} '{url}' is not an http:// or https:// URL.");
        }
        var host = address.Host is "*" or "+" ? "[::]" : address.Host;
        return new UriBuilder(address.Scheme, host, address.Port).Uri;
    }
}
