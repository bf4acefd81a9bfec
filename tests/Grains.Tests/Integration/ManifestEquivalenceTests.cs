using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Tests.Unit;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Kubernetes;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// The manifest reader must produce exactly the JSON kubectl sends for the same file: kubectl creates the
/// files against the emulator, and every request body it sent is compared with what the reader made of them.
/// </summary>
public sealed class ManifestEquivalenceTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("equivalence");
    private KubeApiEmulatorServer _emulator = null!;
    private Kubectl _kubectl = null!;

    public async Task InitializeAsync()
    {
        _emulator = await KubeApiEmulatorServer.StartAsync();
        _kubectl = new Kubectl(_emulator.WriteKubeconfig(_directory.Combine("kubeconfig")));
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task EveryArgoFixture_ReadsToTheJsonKubectlSends()
    {
        var files = KubectlFileOrder(RepositoryPaths.ArgoWorkflows).ToList();
        var ours = files.SelectMany(f => new ManifestReader(new ManifestOptions()).Read(File.ReadAllText(f))).ToList();

        await _kubectl.RunAsync("create", "-R", "-f", RepositoryPaths.ArgoWorkflows, "-n", "ci");

        var sent = Posted();
        // Every fixture file but the licence is a manifest: the walk must visit them all, nested folders included.
        Assert.NotEmpty(files);
        Assert.Equal(Directory.EnumerateFiles(RepositoryPaths.ArgoWorkflows, "*", SearchOption.AllDirectories).Count(f => Path.GetFileName(f) != "LICENSE"), files.Count);
        Assert.Equal(sent.Count, ours.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            JsonAssert.Equal(sent[i], WithoutNamespace(ours[i]), $"object {i}:");
        }
    }

    [Fact]
    public async Task Yaml11Scalars_ReadToTheJsonKubectlSends()
    {
        var path = _directory.Combine("scalars.yaml");
        await File.WriteAllTextAsync(path, """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: scalars
              annotations:
                quoted: "yes"
            data: {}
            binaryData: {}
            extra:
              booleans: [yes, no, on, off, y, n, Yes, NO, true, False]
              octal: 0777
              hex: 0x1F
              binary: 0b101
              underscored: 1_000
              negative: -42
              float: 1.5
              wholeFloat: 2.0
              exponent: 1e3
              date: 2001-12-14
              timestamp: 2001-12-14t21:59:43.10-05:00
              tilde: ~
              empty:
              version: 1.10
              quotedOctal: '0777'
              on: trigger
              1: one
              folded: >
                a
                b
              literal: |
                line
              anchors:
                base: &base {a: 1, b: 2}
                merged:
                  <<: *base
                  b: 3
                list: &list [x, y]
                again: *list
            """);

        await _kubectl.RunAsync("create", "-f", path, "-n", "ci", "--validate=false");

        var ours = new ManifestReader(new ManifestOptions()).Read(await File.ReadAllTextAsync(path));
        JsonAssert.Equal(Assert.Single(Posted()), WithoutNamespace(Assert.Single(ours)));
    }

    private List<JsonNode> Posted() => _emulator.Requests.Snapshot()
        .Where(r => r.Method == "POST" && r.Path != "/api/v1/namespaces")
        .Select(r => WithoutNamespace(JsonNode.Parse(r.Body)!.AsObject()))
        .ToList();

    private static JsonNode WithoutNamespace(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        (copy["metadata"] as JsonObject)?.Remove("namespace");
        return copy;
    }

    /// <summary>The order kubectl visits files in: a depth-first walk, entries sorted bytewise, YAML and JSON files only.</summary>
    private static IEnumerable<string> KubectlFileOrder(string directory)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            if (Directory.Exists(entry))
            {
                foreach (var nested in KubectlFileOrder(entry))
                {
                    yield return nested;
                }
            }
            else if (Path.GetExtension(entry) is ".yaml" or ".yml" or ".json")
            {
                yield return entry;
            }
        }
    }
}
