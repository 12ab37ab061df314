using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace NmtPractice.Web;

/// <summary>
/// Serves the web app: <c>/</c> is the page, <c>/app/...</c> its scripts and styles, all embedded in this assembly
/// (nothing on disk to deploy, nothing to build). The app holds no rule of its own: it calls the public HTTP/JSON API
/// with the signed-in user's token.
/// </summary>
public static class NmtWebApp
{
    /// <summary>Where the app's files are served from; the page refers to them under this prefix.</summary>
    public const string AssetPrefix = "/app";

    // Scripts and styles only from this origin, no inline script, no framing: the page shows clinic data.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly EmbeddedFileProvider Files = new(typeof(NmtWebApp).Assembly, "NmtPractice.Web.wwwroot");
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Maps the page and its assets. The returned group takes conventions (for example a host filter).</summary>
    public static RouteGroupBuilder MapNmtWebApp(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("");
        group.MapGet("/", (HttpContext context) => ServeAsync(context, "index.html")).ExcludeFromDescription();
        group.MapGet(AssetPrefix + "/{**path}", (HttpContext context, string path) => ServeAsync(context, path)).ExcludeFromDescription();
        return group;
    }

    /// <summary>The names of the embedded files, as served under <see cref="AssetPrefix"/>.</summary>
    public static IReadOnlyList<string> AssetNames() =>
        [.. typeof(NmtWebApp).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("NmtPractice.Web.wwwroot.", StringComparison.Ordinal))];

    private static async Task ServeAsync(HttpContext context, string path)
    {
        var file = path.Contains("..", StringComparison.Ordinal) ? null : Files.GetFileInfo(path.Replace('\\', '/'));
        if (file is null || !file.Exists)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.ContentType = ContentTypes.TryGetContentType(file.Name, out var type) ? type : "application/octet-stream";
        if (context.Response.ContentType.StartsWith("text/", StringComparison.Ordinal))
        {
            context.Response.ContentType += "; charset=utf-8";
        }
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.ContentLength = file.Length;
        await using var stream = file.CreateReadStream();
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
