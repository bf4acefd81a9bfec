using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Foundation.Tests.Emulator;

/// <summary>The real kubectl drives the emulator: what it sends is accepted, and what it gets back it understands.</summary>
public sealed partial class KubectlTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    /// <summary>Only a safety net for watches and waits; nothing is asserted about how long anything takes.</summary>
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromMinutes(2);

    // The API server keeps at most 58 characters of a generateName so that the name with its suffix fits 63.
    private const int MaxGeneratePrefix = 58;

    [GeneratedRegex("^(?<kind>[a-z.]+)/(?<name>[^ ]+) created$", RegexOptions.Multiline)]
    private static partial Regex CreatedLine();

    /// <summary>
    /// Two of the Argo examples are broken upstream (a mis-indented <c>generateName</c>, a missing one); a real
    /// server refuses them with 422, and so must the emulator. Everything else is stored exactly as kubectl sent it.
    /// </summary>
    [Fact]
    public async Task CreateFromFile_EveryArgoFixture_StoresWhatKubectlSends()
    {
        var ns = emulator.NewNamespace();
        var dryRun = await emulator.Kubectl.RunCheckedAsync("create", "--dry-run=client", "-o", "json", "-R", "-f", RepositoryPaths.ArgoWorkflows, "-n", ns);
        var sentItems = new List<JsonObject>();
        await foreach (var document in JsonSerializer.DeserializeAsyncEnumerable<JsonObject>(
            new MemoryStream(Encoding.UTF8.GetBytes(dryRun)), topLevelValues: true))
        {
            sentItems.AddRange(document!["kind"]!.GetValue<string>() == "List" ? ((JsonArray)document["items"]!).Cast<JsonObject>() : [document]);
        }

        var result = await emulator.Kubectl.RunAsync("create", "-R", "-f", RepositoryPaths.ArgoWorkflows, "-n", ns);

        var created = CreatedLine().Matches(result.StandardOutput).Select(m => (Kind: m.Groups["kind"].Value, Name: m.Groups["name"].Value)).ToList();
        var rejected = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(sentItems.Count, created.Count + rejected.Length);
        Assert.All(rejected, line => Assert.Contains("Error from server (Invalid)", line));
        Assert.Contains(rejected, line => line.Contains("fun-with-gifs.yaml", StringComparison.Ordinal));
        Assert.Contains(rejected, line => line.Contains("k8s-jobs.yaml", StringComparison.Ordinal));

        var stored = created.Select(c => Stored(c.Kind, c.Name, ns)).ToList();
        Assert.All(stored, Assert.NotNull);
        foreach (var obj in stored)
        {
            var metadata = obj!["metadata"]!;
            var original = sentItems.SingleOrDefault(s => SameObject(s, obj));
            Assert.True(original is not null, $"nothing kubectl sent matches the stored {obj.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(original!["spec"], obj["spec"]), $"spec of {metadata["name"]} differs from what kubectl sent");
            Assert.True(JsonNode.DeepEquals(original["data"], obj["data"]), $"data of {metadata["name"]} differs from what kubectl sent");
            Assert.NotNull(metadata["uid"]);
            Assert.NotNull(metadata["creationTimestamp"]);
        }
    }

    [Fact]
    public async Task ApplyFromFile_NamedManifestTwice_CreatesThenLeavesUnchanged()
    {
        var ns = emulator.NewNamespace();
        var manifest = Path.Combine(RepositoryPaths.ArgoWorkflows, "cron-workflow.yaml");

        var first = await emulator.Kubectl.RunCheckedAsync("apply", "-f", manifest, "-n", ns);
        var rv = emulator.Server.Find("argoproj.io", "cronworkflows", ns, "hello-world")!["metadata"]!["resourceVersion"]!.GetValue<string>();
        var second = await emulator.Kubectl.RunCheckedAsync("apply", "-f", manifest, "-n", ns);

        Assert.Equal("cronworkflow.argoproj.io/hello-world created", first.Trim());
        Assert.Equal("cronworkflow.argoproj.io/hello-world unchanged", second.Trim());
        var stored = emulator.Server.Find("argoproj.io", "cronworkflows", ns, "hello-world")!;
        Assert.Equal(rv, stored["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.NotNull(stored["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);
    }

    [Fact]
    public async Task ApplyFromFile_ChangedManifest_IsPatchedAndGenerationMoves()
    {
        using var dir = new TempDirectory();
        var ns = emulator.NewNamespace();
        var path = dir.Combine("template.yaml");
        await File.WriteAllTextAsync(path, Template("alpine:3.19"));
        await emulator.Kubectl.RunCheckedAsync("apply", "-f", path, "-n", ns);
        await File.WriteAllTextAsync(path, Template("alpine:3.20"));

        var output = await emulator.Kubectl.RunCheckedAsync("apply", "-f", path, "-n", ns);

        Assert.Equal("workflowtemplate.argoproj.io/build configured", output.Trim());
        var stored = emulator.Server.Find("argoproj.io", "workflowtemplates", ns, "build")!;
        Assert.Equal("alpine:3.20", stored["spec"]!["templates"]![0]!["container"]!["image"]!.GetValue<string>());
        Assert.Equal(2, stored["metadata"]!["generation"]!.GetValue<long>());
        var patch = emulator.Server.Requests.Snapshot().Last(r => r.Method == "PATCH" && r.Path.EndsWith("/build", StringComparison.Ordinal));
        Assert.Equal("application/merge-patch+json", patch.ContentType);
    }

    [Fact]
    public async Task GetAsJson_ReturnsTheStoredObject()
    {
        var ns = emulator.NewNamespace();
        await emulator.Kubectl.RunCheckedAsync("apply", "-f", Path.Combine(RepositoryPaths.ArgoWorkflows, "cron-workflow.yaml"), "-n", ns);

        var json = JsonNode.Parse(await emulator.Kubectl.RunCheckedAsync("get", "cronworkflow", "hello-world", "-n", ns, "-o", "json"))!;

        Assert.Equal("CronWorkflow", json["kind"]!.GetValue<string>());
        Assert.Equal(ns, json["metadata"]!["namespace"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(emulator.Server.Find("argoproj.io", "cronworkflows", ns, "hello-world")!["spec"], json["spec"]));
    }

    [Theory]
    [InlineData("app=web", "web-a,web-b")]
    [InlineData("app==web,tier!=cache", "web-a")]
    [InlineData("tier in (cache,db)", "db,web-b")]
    [InlineData("tier notin (cache)", "db,web-a")]
    [InlineData("!tier", "")]
    [InlineData("tier", "db,web-a,web-b")]
    public async Task GetWithLabelSelector_ListsOnlyMatchingObjects(string selector, string expected)
    {
        var ns = emulator.NewNamespace();
        using var dir = new TempDirectory();
        var path = dir.Combine("cms.yaml");
        await File.WriteAllTextAsync(path, string.Join("---\n",
            LabelledConfigMap("web-a", "web", "frontend"), LabelledConfigMap("web-b", "web", "cache"), LabelledConfigMap("db", "db", "db")));
        await emulator.Kubectl.RunCheckedAsync("create", "-f", path, "-n", ns);

        var output = await emulator.Kubectl.RunCheckedAsync("get", "configmaps", "-n", ns, "-l", selector, "-o", "jsonpath={.items[*].metadata.name}");

        Assert.Equal(expected.Replace(',', ' '), output.Trim());
    }

    [Fact]
    public async Task Delete_RemovesTheObject_AndGetThenSaysNotFound()
    {
        var ns = emulator.NewNamespace();
        await emulator.Kubectl.RunCheckedAsync("apply", "-f", Path.Combine(RepositoryPaths.ArgoWorkflows, "cron-workflow.yaml"), "-n", ns);

        var deleted = await emulator.Kubectl.RunCheckedAsync("delete", "cronworkflow", "hello-world", "-n", ns);
        var get = await emulator.Kubectl.RunAsync("get", "cronworkflow", "hello-world", "-n", ns);

        Assert.Equal("cronworkflow.argoproj.io \"hello-world\" deleted", deleted.Trim());
        Assert.Equal(1, get.ExitCode);
        Assert.Contains("Error from server (NotFound): cronworkflows.argoproj.io \"hello-world\" not found", get.StandardError);
    }

    [Fact]
    public async Task DeleteNamespace_DeletesWhatIsInIt()
    {
        var ns = emulator.NewNamespace();
        await emulator.Kubectl.RunCheckedAsync("create", "-f", Path.Combine(RepositoryPaths.ArgoWorkflows, "hello-world.yaml"), "-n", ns);

        await emulator.Kubectl.RunCheckedAsync("delete", "namespace", ns);

        Assert.Empty(emulator.Server.FindAll("argoproj.io", "workflows", ns));
        Assert.Null(emulator.Server.Find("", "namespaces", null, ns));
    }

    [Fact]
    public async Task GetWatch_SeesTheAddedWorkflow()
    {
        var ns = emulator.NewNamespace();
        await using var watch = RunningProcess.Start(Testing.Kubernetes.Kubectl.Path,
            ["--kubeconfig", emulator.KubeconfigPath, "get", "workflows", "-n", ns, "--watch", "--output-watch-events", "-o", "json"]);
        await emulator.Server.Requests.WaitForAsync(r => r.QueryValue("watch") == "true" && r.Path.EndsWith($"/{ns}/workflows", StringComparison.Ordinal), WatchTimeout);

        await emulator.Kubectl.RunCheckedAsync("create", "-f", Path.Combine(RepositoryPaths.ArgoWorkflows, "hello-world.yaml"), "-n", ns);

        await watch.WaitForLineAsync(
            line => line.Contains("\"type\":\"ADDED\"", StringComparison.Ordinal) && line.Contains("\"generateName\":\"hello-world-\"", StringComparison.Ordinal),
            WatchTimeout);
    }

    [Fact]
    public async Task ServerSideApply_ByKubectl_ConflictsWithAnotherManagerUnlessForced()
    {
        var ns = emulator.NewNamespace();
        using var dir = new TempDirectory();
        var path = dir.Combine("template.yaml");
        await File.WriteAllTextAsync(path, Template("alpine:3.19"));
        await emulator.Kubectl.RunCheckedAsync("apply", "--server-side", "--field-manager=first", "-f", path, "-n", ns);
        await File.WriteAllTextAsync(path, Template("alpine:3.20"));

        var conflict = await emulator.Kubectl.RunAsync("apply", "--server-side", "--field-manager=second", "-f", path, "-n", ns);
        var forced = await emulator.Kubectl.RunCheckedAsync("apply", "--server-side", "--field-manager=second", "--force-conflicts", "-f", path, "-n", ns);

        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"first\"", conflict.StandardError);
        Assert.Contains(".spec.templates", conflict.StandardError);
        Assert.Equal("workflowtemplate.argoproj.io/build serverside-applied", forced.Trim());
        var managers = ((JsonArray)emulator.Server.Find("argoproj.io", "workflowtemplates", ns, "build")!["metadata"]!["managedFields"]!)
            .Select(m => m!["manager"]!.GetValue<string>()).ToArray();
        Assert.Contains("second", managers);
    }

    /// <summary>A resourceVersion in an applied configuration is a precondition, as the handler relies on it to be.</summary>
    [Fact]
    public async Task ServerSideApply_ByKubectl_WithAStaleResourceVersion_IsAConflict()
    {
        var ns = emulator.NewNamespace();
        using var dir = new TempDirectory();
        var path = dir.Combine("template.yaml");
        await File.WriteAllTextAsync(path, Template("alpine:3.19"));
        await emulator.Kubectl.RunCheckedAsync("apply", "--server-side", "-f", path, "-n", ns);
        var read = emulator.Server.Find("argoproj.io", "workflowtemplates", ns, "build")!["metadata"]!["resourceVersion"]!.GetValue<string>();
        await File.WriteAllTextAsync(path, Template("alpine:3.20"));
        await emulator.Kubectl.RunCheckedAsync("apply", "--server-side", "-f", path, "-n", ns);
        var current = emulator.Server.Find("argoproj.io", "workflowtemplates", ns, "build")!["metadata"]!["resourceVersion"]!.GetValue<string>();

        await File.WriteAllTextAsync(path, Template("alpine:3.21").Replace("  name: build\n", $"  name: build\n  resourceVersion: \"{read}\"\n", StringComparison.Ordinal));
        var stale = await emulator.Kubectl.RunAsync("apply", "--server-side", "-f", path, "-n", ns);
        await File.WriteAllTextAsync(path, Template("alpine:3.21").Replace("  name: build\n", $"  name: build\n  resourceVersion: \"{current}\"\n", StringComparison.Ordinal));
        var fresh = await emulator.Kubectl.RunCheckedAsync("apply", "--server-side", "-f", path, "-n", ns);

        Assert.NotEqual(read, current);
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("Operation cannot be fulfilled on workflowtemplates.argoproj.io \"build\": the object has been modified; please apply your changes to the latest version and try again", stale.StandardError);
        Assert.Equal("workflowtemplate.argoproj.io/build serverside-applied", fresh.Trim());
        var stored = emulator.Server.Find("argoproj.io", "workflowtemplates", ns, "build")!;
        Assert.Equal("alpine:3.21", stored["spec"]!["templates"]![0]!["container"]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task RegisteredKind_IsDiscoveredAndServed()
    {
        var ns = emulator.NewNamespace();
        emulator.Server.Catalog.Register(new KubeApiEmulator.Resources.ResourceType("argoproj.io", "v1alpha1", "Sensor", "sensors", true, ["sn"]));
        using var dir = new TempDirectory();
        var path = dir.Combine("sensor.yaml");
        await File.WriteAllTextAsync(path, "apiVersion: argoproj.io/v1alpha1\nkind: Sensor\nmetadata:\n  name: webhook\nspec: {}\n");

        var created = await emulator.Kubectl.RunCheckedAsync("create", "-f", path, "-n", ns);
        var byShortName = await emulator.Kubectl.RunCheckedAsync("get", "sn", "-n", ns, "-o", "name");

        Assert.Equal("sensor.argoproj.io/webhook created", created.Trim());
        Assert.Equal("sensor.argoproj.io/webhook", byShortName.Trim());
    }

    private JsonObject? Stored(string kind, string name, string ns) => kind switch
    {
        "workflow.argoproj.io" => emulator.Server.Find("argoproj.io", "workflows", ns, name),
        "workflowtemplate.argoproj.io" => emulator.Server.Find("argoproj.io", "workflowtemplates", ns, name),
        "cronworkflow.argoproj.io" => emulator.Server.Find("argoproj.io", "cronworkflows", ns, name),
        "workfloweventbinding.argoproj.io" => emulator.Server.Find("argoproj.io", "workfloweventbindings", ns, name),
        "clusterworkflowtemplate.argoproj.io" => emulator.Server.Find("argoproj.io", "clusterworkflowtemplates", null, name),
        "configmap" => emulator.Server.Find("", "configmaps", ns, name),
        "persistentvolumeclaim" => emulator.Server.Find("", "persistentvolumeclaims", ns, name),
        "resourcequota" => emulator.Server.Find("", "resourcequotas", ns, name),
        _ => throw new InvalidOperationException($"kubectl created an unexpected kind: {kind}"),
    };

    private static bool SameObject(JsonObject sent, JsonObject stored)
    {
        if (sent["kind"]!.GetValue<string>() != stored["kind"]!.GetValue<string>())
        {
            return false;
        }

        var storedName = stored["metadata"]!["name"]!.GetValue<string>();
        return sent["metadata"]!["name"]?.GetValue<string>() is { } name
            ? name == storedName
            : sent["metadata"]!["generateName"]?.GetValue<string>() is { } generateName
              && generateName[..Math.Min(generateName.Length, MaxGeneratePrefix)] is var prefix
              && storedName.StartsWith(prefix, StringComparison.Ordinal)
              && storedName.Length == prefix.Length + 5
              && JsonNode.DeepEquals(sent["spec"], stored["spec"]);
    }

    private static string Template(string image) => $"""
        apiVersion: argoproj.io/v1alpha1
        kind: WorkflowTemplate
        metadata:
          name: build
        spec:
          entrypoint: main
          templates:
          - name: main
            container:
              image: {image}

        """;

    private static string LabelledConfigMap(string name, string app, string tier) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
          labels:
            app: {app}
            tier: {tier}
        data:
          k: v

        """;
}
