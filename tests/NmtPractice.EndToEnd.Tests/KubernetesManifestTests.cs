using YamlDotNet.RepresentationModel;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The Kubernetes manifests in deploy/k8s, parsed and checked without a cluster: every Service, Secret and ConfigMap a
/// workload names exists (or is one of the two Secrets the operator creates), every container has resources, probes
/// and a restricted security context, images are pinned, the StatefulSet's Service is headless, and the silo ports are
/// covered by a NetworkPolicy. The checker also runs on broken copies, so a check that cannot fail fails here.
/// </summary>
public sealed class KubernetesManifestTests
{
    /// <summary>Created by the operator from files (deploy/k8s/nmt-practice.yaml, docs/operations.md), with their keys.</summary>
    private static readonly Dictionary<string, string[]> OperatorSecrets = new()
    {
        ["nmt-db"] = ["connection-string", "owner-connection-string"],
        ["nmt-auth"] = ["signing-key"],
    };

    private static readonly string[] Workloads = ["Deployment", "StatefulSet", "DaemonSet", "Job"];

    [Fact]
    public void The_manifests_pass_every_check()
    {
        var files = Directory.GetFiles(ManifestDirectory(), "*.y*ml");
        Assert.NotEmpty(files);
        var documents = files.SelectMany(f => Parse(File.ReadAllText(f))).ToList();
        var kinds = documents.Select(d => Text(d, "kind")).ToList();
        Assert.Contains("StatefulSet", kinds);
        Assert.Contains("Deployment", kinds);
        Assert.Empty(Check(documents));
    }

    [Theory]
    [InlineData("clusterIP: None", "clusterIP: 10.0.0.10", "headless")]
    [InlineData("serviceName: nmt-silo", "serviceName: nmt-silos", "serviceName nmt-silos")]
    [InlineData("nmtpractice/server:0.2.0", "nmtpractice/server:latest", "not pinned")]
    [InlineData("image: nmtpractice/server:0.2.0\n          envFrom", "image: nmtpractice/server\n          envFrom", "not pinned")]
    [InlineData("limits: { cpu: \"2\", memory: \"1Gi\" }", "", "limits")]
    [InlineData("secretKeyRef: { name: nmt-db, key: connection-string }", "secretKeyRef: { name: nmt-dbx, key: connection-string }", "Secret nmt-dbx")]
    [InlineData("secretKeyRef: { name: nmt-db, key: connection-string }", "secretKeyRef: { name: nmt-db, key: password }", "key password")]
    [InlineData("configMapRef: { name: nmt-config }", "configMapRef: { name: nmt-settings }", "ConfigMap nmt-settings")]
    [InlineData("livenessProbe:", "livenessProbeX:", "livenessProbe")]
    [InlineData("readinessProbe:", "startupProbeX:", "readinessProbe")]
    [InlineData("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", "allowPrivilegeEscalation")]
    [InlineData("capabilities: { drop: [\"ALL\"] }", "capabilities: { drop: [\"NET_RAW\"] }", "drop ALL")]
    [InlineData("runAsNonRoot: true", "runAsNonRoot: false", "runAsNonRoot")]
    [InlineData("seccompProfile: { type: RuntimeDefault }", "seccompProfile: { type: Unconfined }", "seccomp")]
    [InlineData("grpc: { port: 5080 }", "grpc: { port: 5081 }", "port 5081")]
    [InlineData("targetPort: orleans-gw", "targetPort: orleans-gateway", "targetPort orleans-gateway")]
    [InlineData("kind: PodDisruptionBudget", "kind: PodDisruptionBudgetX", "PodDisruptionBudget")]
    [InlineData("kind: NetworkPolicy", "kind: NetworkPolicyX", "NetworkPolicy")]
    [InlineData("- name: ConnectionStrings__Nmt\n              valueFrom: { secretKeyRef: { name: nmt-db, key: connection-string } }\n          ports:",
                "- name: ConnectionStrings__Nmt\n              valueFrom: { secretKeyRef: { name: nmt-db, key: owner-connection-string } }\n          ports:",
                "owner")]
    public void A_broken_manifest_is_caught(string good, string broken, string expectedProblem)
    {
        var text = string.Join("\n---\n", Directory.GetFiles(ManifestDirectory(), "*.y*ml").Select(File.ReadAllText));
        Assert.Contains(good, text, StringComparison.Ordinal);
        var problems = Check(Parse(text.Replace(good, broken, StringComparison.Ordinal)).ToList());
        Assert.Contains(problems, p => p.Contains(expectedProblem, StringComparison.Ordinal));
    }

    /// <summary>Every problem found in <paramref name="documents"/>, one line each; empty when all is well.</summary>
    private static List<string> Check(List<YamlMappingNode> documents)
    {
        var problems = new List<string>();
        var configMaps = documents.Where(d => Text(d, "kind") == "ConfigMap")
            .ToDictionary(d => Name(d), d => Keys(Node(d, "data")));
        var services = documents.Where(d => Text(d, "kind") == "Service").ToDictionary(d => Name(d));
        var pods = new List<(string Workload, YamlMappingNode Labels, YamlMappingNode Spec)>();

        foreach (var workload in documents.Where(d => Workloads.Contains(Text(d, "kind"))))
        {
            var id = $"{Text(workload, "kind")} {Name(workload)}";
            var template = Node(workload, "spec", "template");
            var spec = Node(template, "spec");
            if (spec is null)
            {
                problems.Add($"{id}: no pod template");
                continue;
            }
            pods.Add((id, Node(template, "metadata", "labels") ?? new YamlMappingNode(), spec));

            if (Text(workload, "kind") == "StatefulSet")
            {
                var serviceName = Text(workload, "spec", "serviceName");
                if (serviceName is null || !services.TryGetValue(serviceName, out var service))
                {
                    problems.Add($"{id}: serviceName {serviceName} is not a Service in the manifests");
                }
                else if (Text(service, "spec", "clusterIP") != "None")
                {
                    problems.Add($"{id}: its Service {serviceName} is not headless (clusterIP: None)");
                }
            }

            var podSecurity = Node(spec, "securityContext");
            var podSeccomp = Text(podSecurity, "seccompProfile", "type");
            var podNonRoot = Text(podSecurity, "runAsNonRoot") == "true";
            var containers = Sequence(spec, "containers").ToList();
            if (containers.Count == 0)
            {
                problems.Add($"{id}: no containers");
            }
            var initContainers = Sequence(spec, "initContainers").ToList();
            foreach (var (container, init) in containers.Select(c => (c, false)).Concat(initContainers.Select(c => (c, true))))
            {
                var cid = $"{id} container {Text(container, "name")}";
                CheckImage(cid, Text(container, "image"), problems);
                foreach (var kind in new[] { "requests", "limits" })
                {
                    foreach (var resource in new[] { "cpu", "memory" })
                    {
                        if (Text(container, "resources", kind, resource) is null)
                        {
                            problems.Add($"{cid}: no resources.{kind}.{resource} (requests and limits)");
                        }
                    }
                }
                if (!init)
                {
                    var ports = PortsOf(container);
                    foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
                    {
                        var node = Node(container, probe);
                        if (node is null)
                        {
                            problems.Add($"{cid}: no {probe}");
                            continue;
                        }
                        var port = Text(node, "grpc", "port") ?? Text(node, "httpGet", "port") ?? Text(node, "tcpSocket", "port");
                        if (port is not null && !ports.Contains(port))
                        {
                            problems.Add($"{cid}: {probe} probes port {port}, which the container does not declare");
                        }
                    }
                }
                var security = Node(container, "securityContext");
                if (Text(security, "allowPrivilegeEscalation") != "false")
                {
                    problems.Add($"{cid}: allowPrivilegeEscalation is not false");
                }
                if (Text(security, "readOnlyRootFilesystem") != "true")
                {
                    problems.Add($"{cid}: readOnlyRootFilesystem is not true");
                }
                var nonRoot = Text(security, "runAsNonRoot");
                if (!(nonRoot == "true" || (nonRoot is null && podNonRoot)))
                {
                    problems.Add($"{cid}: runAsNonRoot is not true");
                }
                if (!Scalars(Node(security, "capabilities"), "drop").Contains("ALL"))
                {
                    problems.Add($"{cid}: capabilities do not drop ALL");
                }
                if ((Text(security, "seccompProfile", "type") ?? podSeccomp) != "RuntimeDefault")
                {
                    problems.Add($"{cid}: seccomp profile is not RuntimeDefault");
                }
                CheckReferences(cid, container, init, configMaps, problems);
            }
            foreach (var volume in Sequence(spec, "volumes"))
            {
                if (Text(volume, "secret", "secretName") is { } secret && !OperatorSecrets.ContainsKey(secret))
                {
                    problems.Add($"{id}: volume names Secret {secret}, which is neither in the manifests nor operator-provided");
                }
                if (Text(volume, "configMap", "name") is { } map && !configMaps.ContainsKey(map))
                {
                    problems.Add($"{id}: volume names ConfigMap {map}, which is not in the manifests");
                }
            }
        }

        // Services select pods and name their ports.
        foreach (var (name, service) in services)
        {
            var matched = pods.Where(p => Selects(Node(service, "spec", "selector"), p.Labels)).ToList();
            if (matched.Count == 0)
            {
                problems.Add($"Service {name}: its selector matches no pod template");
            }
            foreach (var port in Sequence(service, "spec", "ports"))
            {
                var target = Text(port, "targetPort") ?? Text(port, "port");
                foreach (var pod in matched.Where(p => !Sequence(p.Spec, "containers").Any(c => PortsOf(c).Contains(target!))))
                {
                    problems.Add($"Service {name}: targetPort {target} is not a port of {pod.Workload}");
                }
            }
        }

        // Every long-running workload has a disruption budget and a network policy that select it.
        foreach (var pod in pods.Where(p => !p.Workload.StartsWith("Job", StringComparison.Ordinal)))
        {
            foreach (var kind in new[] { "PodDisruptionBudget", "NetworkPolicy" })
            {
                var selectors = documents.Where(d => Text(d, "kind") == kind)
                    .Select(d => Node(d, "spec", kind == "NetworkPolicy" ? "podSelector" : "selector", "matchLabels"));
                if (!selectors.Any(s => Selects(s, pod.Labels)))
                {
                    problems.Add($"{pod.Workload}: no {kind} selects its pods");
                }
            }
        }
        return problems;
    }

    /// <summary>A tag that is a version, or a digest; never :latest or none.</summary>
    private static void CheckImage(string container, string? image, List<string> problems)
    {
        if (image is null)
        {
            problems.Add($"{container}: no image");
            return;
        }
        if (image.Contains("@sha256:", StringComparison.Ordinal))
        {
            return;
        }
        var lastSlash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', lastSlash + 1);
        var tag = colon < 0 ? null : image[(colon + 1)..];
        if (tag is null || tag == "latest" || !char.IsDigit(tag.TrimStart('v')[0]))
        {
            problems.Add($"{container}: image {image} is not pinned to a version or digest");
        }
    }

    /// <summary>ConfigMaps and Secrets named by env and envFrom exist, with the keys named; only migrations see the owner.</summary>
    private static void CheckReferences(
        string container, YamlMappingNode node, bool init, Dictionary<string, HashSet<string>> configMaps, List<string> problems)
    {
        foreach (var from in Sequence(node, "envFrom"))
        {
            if (Text(from, "configMapRef", "name") is { } map && !configMaps.ContainsKey(map))
            {
                problems.Add($"{container}: envFrom ConfigMap {map}, which is not in the manifests");
            }
            if (Text(from, "secretRef", "name") is { } secret && !OperatorSecrets.ContainsKey(secret))
            {
                problems.Add($"{container}: envFrom Secret {secret}, which is neither in the manifests nor operator-provided");
            }
        }
        foreach (var variable in Sequence(node, "env"))
        {
            if (Node(variable, "valueFrom", "secretKeyRef") is { } secretRef)
            {
                var (name, key) = (Text(secretRef, "name")!, Text(secretRef, "key")!);
                if (!OperatorSecrets.TryGetValue(name, out var keys))
                {
                    problems.Add($"{container}: Secret {name}, which is neither in the manifests nor operator-provided");
                }
                else if (!keys.Contains(key))
                {
                    problems.Add($"{container}: Secret {name} has no key {key}");
                }
                // Least privilege: the owner connection string (DDL rights) only for the migrations.
                if (key == "owner-connection-string" && (!init || Text(variable, "name") != "ConnectionStrings__NmtOwner"))
                {
                    problems.Add($"{container}: gets the owner connection string as {Text(variable, "name")}; only the migrations may (as ConnectionStrings__NmtOwner)");
                }
            }
            if (Node(variable, "valueFrom", "configMapKeyRef") is { } mapRef)
            {
                var (name, key) = (Text(mapRef, "name")!, Text(mapRef, "key")!);
                if (!configMaps.TryGetValue(name, out var keys) || !keys.Contains(key))
                {
                    problems.Add($"{container}: ConfigMap {name} key {key} is not in the manifests");
                }
            }
        }
    }

    private static IEnumerable<string?> Scalars(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode sequence
            ? sequence.Children.Select(n => (n as YamlScalarNode)?.Value)
            : [];

    private static HashSet<string> PortsOf(YamlMappingNode container) =>
        [.. Sequence(container, "ports").SelectMany(p => new[] { Text(p, "name"), Text(p, "containerPort") }).OfType<string>()];

    private static bool Selects(YamlMappingNode? selector, YamlMappingNode labels) =>
        selector is not null && selector.Children.Count > 0
        && selector.Children.All(kv => Text(labels, ((YamlScalarNode)kv.Key).Value!) == (kv.Value as YamlScalarNode)?.Value);

    private static IEnumerable<YamlMappingNode> Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>();
    }

    private static string Name(YamlMappingNode document) => Text(document, "metadata", "name") ?? "(unnamed)";

    private static HashSet<string> Keys(YamlMappingNode? map) =>
        map is null ? [] : [.. map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!)];

    private static YamlMappingNode? Node(YamlMappingNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is null || !node.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return null;
            }
            node = child as YamlMappingNode;
        }
        return node;
    }

    private static string? Text(YamlMappingNode? node, params string[] path)
    {
        var parent = Node(node, path[..^1]);
        return parent is not null && parent.Children.TryGetValue(new YamlScalarNode(path[^1]), out var value)
            ? (value as YamlScalarNode)?.Value
            : null;
    }

    private static IEnumerable<YamlMappingNode> Sequence(YamlMappingNode? node, params string[] path)
    {
        var parent = Node(node, path[..^1]);
        return parent is not null && parent.Children.TryGetValue(new YamlScalarNode(path[^1]), out var value) && value is YamlSequenceNode sequence
            ? sequence.Children.OfType<YamlMappingNode>()
            : [];
    }

    private static string ManifestDirectory()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NmtPractice.sln")))
        {
            root = root.Parent;
        }
        return Path.Combine(root?.FullName ?? throw new InvalidOperationException("repository root not found"), "deploy", "k8s");
    }
}
