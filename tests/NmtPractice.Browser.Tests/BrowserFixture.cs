using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NmtPractice.Server;
using NmtPractice.Testing;
using NmtPractice.Tokens;
using Xunit.Abstractions;

namespace NmtPractice.Browser.Tests;

/// <summary>
/// The real server in this process (silo + gateway on the shared private PostgreSQL; gRPC on one loopback port, the
/// HTTP/1.1 endpoint with the JSON API and the web app on another), a test chain loaded through the gRPC API, and one
/// headless Chromium: the system's (<c>/usr/bin/chromium</c>, or <c>NMT_CHROMIUM</c>), driven by Playwright. Each test
/// opens its own browser context (its own session storage), so tests do not share a sign-in.
/// </summary>
public sealed class BrowserFixture(IMessageSink sink) : IAsyncLifetime
{
    public const string ChromiumVariable = "NMT_CHROMIUM";
    public const string DefaultChromium = "/usr/bin/chromium";

    private readonly PostgresFixture _postgres = new(sink);
    private IPlaywright? _playwright;
    private GrpcChannel? _channel;

    public NmtServer Server { get; private set; } = null!;

    /// <summary>The HTTP/1.1 endpoint: the web app at "/", the JSON API under "/v1".</summary>
    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The key the server validates tokens with; the fixture's own gRPC calls are a chain admin's.</summary>
    public byte[] SigningKey { get; } = RandomNumberGenerator.GetBytes(NmtTokens.MinKeyBytes);

    /// <summary>gRPC calls as chain admin (setting up the chain and the users; reading the API's figures to compare).</summary>
    public CallInvoker Admin { get; private set; } = null!;

    public TestChain Chain { get; private set; } = null!;

    public TestUsers Users { get; private set; } = null!;

    /// <summary>Where screenshots go: a folder under the test output (CI may keep it as an artifact).</summary>
    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        // Fail, never skip, when the browser is missing: a browser suite that silently ran nothing would look green.
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured ? configured : DefaultChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium not found at {chromium}. The browser tests need Debian's chromium package " +
                $"(apt-get -o APT::Sandbox::User=root install -y chromium; .ci/run installs it) or {ChromiumVariable} set to a Chromium executable.");
        }
        Directory.CreateDirectory(ScreenshotDirectory);

        await _postgres.InitializeAsync();
        var connectionString = await _postgres.CreateDatabaseAsync("browser");
        Server = await NmtServer.StartAsync(
        [
            "--ConnectionStrings:Nmt=" + connectionString,
            "--urls=http://127.0.0.1:0",
            "--Nmt:HttpUrl=http://127.0.0.1:0",
            "--Nmt:ClusterId=browser-" + Guid.NewGuid().ToString("N")[..8],
            "--Nmt:SiloPort=0",
            "--Nmt:GatewayPort=0",
            "--Logging:LogLevel:Default=Warning",
            "--Nmt:Auth:SigningKey=" + Convert.ToBase64String(SigningKey),
        ]);
        BaseUrl = Server.HttpUrl ?? throw new InvalidOperationException("The server has no HTTP endpoint.");
        _channel = GrpcChannel.ForAddress(Server.Urls[0]);
        Admin = _channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + MintToken(NmtRoles.ChainAdmin, "browser-admin"));
            return metadata;
        });
        Chain = await TestChain.CreateAsync(Admin);
        Users = await TestUsers.CreateAsync(Admin);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // Root in CI: Chromium's sandbox needs an unprivileged user; the pages are our own app on loopback.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
            Timeout = 60_000,
        });
    }

    /// <summary>A fresh context (its own storage) at 1280x800, the front desk's screen, unless given another size.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
            Locale = "en-GB",
        });
        // Generous for a 2-core machine shared with the server and its database, yet bounded: a missing element fails
        // the test within 20 s instead of hanging it.
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public string MintToken(string role, string subject, IReadOnlyList<string>? clinics = null, string? therapistId = null) =>
        TokenMinter.Mint(SigningKey, new TokenSubject(subject, role, clinics ?? [], therapistId), DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromHours(2));

    public async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
        // Refreshing the README's images: NMT_DOCS_IMAGES=docs/images (absolute or from the repository root).
        if (Environment.GetEnvironmentVariable("NMT_DOCS_IMAGES") is { Length: > 0 } docs)
        {
            Directory.CreateDirectory(docs);
            File.Copy(path, Path.Combine(docs, name + ".png"), overwrite: true);
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        _channel?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        await _postgres.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
