using NmtPractice.Api.Http;
using NmtPractice.Api.Security;
using NmtPractice.Hosting;

namespace NmtPractice.Server;

/// <summary>
/// The server's settings, section <c>Nmt</c> (appsettings.json, environment variables <c>NMT__SILOPORT</c>..., or
/// command line <c>--Nmt:SiloPort 11112</c>). The database is <c>ConnectionStrings:Nmt</c> (the application's
/// least-privilege role), with <c>ConnectionStrings:NmtOwner</c> (the schema owner) for migrations; without them the
/// server runs the embedded default (a private PostgreSQL in <see cref="DataDirectory"/>, which sets up both roles).
/// </summary>
public sealed class NmtOptions
{
    public const string Section = "Nmt";
    public const string ConnectionStringName = "Nmt";

    /// <summary>The owner's connection (<c>ConnectionStrings:NmtOwner</c>): migrations and bulk loads only.</summary>
    public const string OwnerConnectionStringName = "NmtOwner";
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string DefaultTlsUrl = "https://127.0.0.1:5080";
    public const string DefaultHttpUrl = "http://127.0.0.1:5081";
    public const string DefaultTlsHttpUrl = "https://127.0.0.1:5081";

    /// <summary><c>silo+gateway</c> (default), <c>silo</c> (no API), or <c>gateway</c> (API over an external Orleans client).</summary>
    public string Role { get; set; } = ServerRole.SiloAndGateway;

    /// <summary>Embedded mode only: where the private PostgreSQL keeps its data (relative to the current directory).</summary>
    public string DataDirectory { get; set; } = "./.data/nmt";

    /// <summary>Embedded mode only: the private PostgreSQL's port on 127.0.0.1 (0: a free one).</summary>
    public int EmbeddedPostgresPort { get; set; }

    public string ClusterId { get; set; } = "nmt";

    public string ServiceId { get; set; } = "nmt-practice";

    /// <summary>The address other silos and clients reach this silo at.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface rather than only <see cref="AdvertisedAddress"/> (containers).</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>Silo-to-silo port; 0 picks a free one. Unset: 11111 in cluster mode, a free one in embedded mode.</summary>
    public int? SiloPort { get; set; }

    /// <summary>Orleans gateway port for external clients (gateway role processes); 0 picks a free one. Unset: 30000 in cluster mode, a free one in embedded mode.</summary>
    public int? GatewayPort { get; set; }

    /// <summary>Silos apply the database migrations at start-up (idempotent, under an advisory lock).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Seed the demo chain after start-up (idempotent).</summary>
    public bool Demo { get; set; }

    /// <summary>The database roles (<c>Nmt:Database</c>); see docs/security.md.</summary>
    public DatabaseRoleOptions Database { get; set; } = new();

    public OtlpOptions Otlp { get; set; } = new();

    /// <summary>
    /// TLS on the gRPC/HTTP endpoint (<c>Nmt:Tls</c>): the certificate's files. When set, the default URL is
    /// <see cref="DefaultTlsUrl"/> and every <c>https://</c> URL serves this certificate; see docs/configuration.md.
    /// </summary>
    public TlsCertificateOptions Tls { get; set; } = new();

    /// <summary>
    /// Orleans TLS between silos, and between gateways and silos (<c>Nmt:ClusterTls</c>), mutually authenticated:
    /// cluster mode only; every silo and gateway of the cluster must have it.
    /// </summary>
    public TlsCertificateOptions ClusterTls { get; set; } = new();

    /// <summary>
    /// The HTTP/1.1 endpoint (JSON API, gRPC-Web, OpenAPI document, reference page, web app) of a process that serves
    /// the API. Unset: <see cref="DefaultHttpUrl"/> (<see cref="DefaultTlsHttpUrl"/> with <see cref="Tls"/>) while
    /// <c>urls</c> is unset; otherwise the first gRPC URL with its port plus one (port 0 stays 0: a free one).
    /// An https URL negotiates HTTP/1.1 or HTTP/2 by ALPN.
    /// </summary>
    public string? HttpUrl { get; set; }

    /// <summary>Which browser origins may call the HTTP endpoint (<c>Nmt:Cors:AllowedOrigins</c>); none by default.</summary>
    public CorsOriginOptions Cors { get; set; } = new();

    /// <summary>Bearer-token validation (<c>Nmt:Auth</c>); see docs/security.md.</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary>
    /// The data directory as an absolute path: a relative one is read from the process's current directory (where the
    /// operator started it, also under <c>dotnet run --project</c>; not the content root or the executable's folder),
    /// which is where <c>nmt login</c> looks for the key by default.
    /// </summary>
    public string FullDataDirectory => ResolveDataDirectory(DataDirectory, Environment.CurrentDirectory);

    /// <summary><paramref name="dataDirectory"/> as an absolute path, a relative one taken from <paramref name="currentDirectory"/>.</summary>
    public static string ResolveDataDirectory(string dataDirectory, string currentDirectory) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(dataDirectory) ? "./.data/nmt" : dataDirectory, currentDirectory);
}
