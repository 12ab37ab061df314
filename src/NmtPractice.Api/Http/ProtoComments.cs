using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace NmtPractice.Api.Http;

/// <summary>
/// The comments of the .proto files (embedded in this assembly), by full name: services, RPCs, messages, fields, enums
/// and enum values. Generated code keeps no comments at run time, and the OpenAPI document shows them as descriptions.
/// Reads the house style only: <c>//</c> lines right above a declaration, one declaration per line.
/// </summary>
public static partial class ProtoComments
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> All = new(Load);

    /// <summary>The comment above <paramref name="fullName"/> (such as <c>nmt.practice.v1.Clinic.time_zone</c>), or null.</summary>
    public static string? For(string fullName) => All.Value.TryGetValue(fullName, out var comment) ? comment : null;

    private static Dictionary<string, string> Load()
    {
        var comments = new Dictionary<string, string>(StringComparer.Ordinal);
        var assembly = typeof(ProtoComments).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("protos/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            Read(reader.ReadToEnd(), comments);
        }
        return comments;
    }

    internal static void Read(string proto, IDictionary<string, string> comments)
    {
        var package = "";
        var scopes = new Stack<string>();
        var pending = new List<string>();
        foreach (var raw in proto.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("//", StringComparison.Ordinal))
            {
                pending.Add(line[2..].Trim());
                continue;
            }
            string? name = null;
            var opensScope = false;
            if (Package().Match(line) is { Success: true } p)
            {
                package = p.Groups[1].Value;
            }
            else if (Block().Match(line) is { Success: true } block)
            {
                name = block.Groups[2].Value;
                opensScope = !line.Contains('}', StringComparison.Ordinal);
            }
            else if (Rpc().Match(line) is { Success: true } rpc)
            {
                name = rpc.Groups[1].Value;
                opensScope = line.EndsWith('{');
            }
            else if (Field().Match(line) is { Success: true } field)
            {
                name = field.Groups[1].Value;
            }
            if (name is not null)
            {
                var fullName = string.Join('.', new[] { package }.Concat(scopes.Reverse()).Append(name).Where(s => s.Length > 0));
                if (pending.Count > 0)
                {
                    comments[fullName] = string.Join('\n', pending);
                }
                if (opensScope)
                {
                    scopes.Push(name);
                }
            }
            else if (line.StartsWith('}') && scopes.Count > 0)
            {
                scopes.Pop();
            }
            pending.Clear();
        }
    }

    [GeneratedRegex(@"^package\s+([\w.]+)\s*;")]
    private static partial Regex Package();

    [GeneratedRegex(@"^(service|message|enum)\s+(\w+)\s*\{")]
    private static partial Regex Block();

    [GeneratedRegex(@"^rpc\s+(\w+)\s*\(")]
    private static partial Regex Rpc();

    // A field (`optional int32 pain_before = 3;`, `map<string, string> labels = 2;`) or an enum value (`DAY = 1;`).
    [GeneratedRegex(@"^(?:(?:optional|repeated)\s+)?(?:map<[^>]+>\s+|[\w.]+\s+)?(\w+)\s*=\s*\d+")]
    private static partial Regex Field();
}
