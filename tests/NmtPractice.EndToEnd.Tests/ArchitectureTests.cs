using System.Reflection;
using System.Xml.Linq;
using NmtPractice.Api;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The gateway is thin: the Api assembly reaches the cluster through the grain interfaces only, so it must not
/// reference the database driver or the persistence library, directly or through another assembly of ours.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>Assemblies of ours the Api may reference (and, through them, nothing forbidden either).</summary>
    private static readonly string[] Allowed = ["NmtPractice.Grains.Abstractions", "NmtPractice.Domain", "NmtPractice.Tokens"];

    [Fact]
    public void The_api_assembly_references_neither_Npgsql_nor_Persistence()
    {
        var api = typeof(NmtApi).Assembly.GetName();
        var seen = new HashSet<string>(StringComparer.Ordinal) { api.Name! };
        var pending = new Queue<AssemblyName>([api]);
        var problems = new List<string>();
        while (pending.TryDequeue(out var name))
        {
            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                var referenced = reference.Name!;
                if (IsForbidden(referenced))
                {
                    problems.Add($"{name.Name} references {referenced}");
                }
                else if (referenced.StartsWith("NmtPractice.", StringComparison.Ordinal) && seen.Add(referenced))
                {
                    if (!Allowed.Contains(referenced, StringComparer.Ordinal))
                    {
                        problems.Add($"{name.Name} references {referenced}, which is not one of {string.Join(", ", Allowed)}");
                    }
                    pending.Enqueue(reference);
                }
            }
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void The_api_project_has_no_Persistence_project_reference()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "NmtPractice.Api", "NmtPractice.Api.csproj"));
        var references = project.Descendants()
            .Where(e => e.Name.LocalName is "ProjectReference" or "PackageReference")
            .Select(e => (string?)e.Attribute("Include") ?? "")
            .ToList();
        Assert.NotEmpty(references);
        Assert.DoesNotContain(references, r => IsForbidden(Path.GetFileNameWithoutExtension(r.Replace('\\', '/'))));
    }

    private static bool IsForbidden(string assembly) =>
        assembly.StartsWith("Npgsql", StringComparison.OrdinalIgnoreCase)
        || assembly.StartsWith("NmtPractice.Persistence", StringComparison.Ordinal);

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NmtPractice.sln")))
        {
            root = root.Parent;
        }
        Assert.NotNull(root);
        return root.FullName;
    }
}
