using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Kubernetes;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>The Helm chart: it lints, renders what the handler needs and no more, and the API server accepts it.</summary>
public sealed class ChartTests : IAsyncLifetime
{
    private static readonly string Chart = Path.Combine(RepositoryPaths.Root, "charts", "k8s-webhook-handler");
    private static readonly string TestValues = Path.Combine(Chart, "ci", "test-values.yaml");
    private readonly TempDirectory _directory = new("chart");
    private KubeApiEmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await KubeApiEmulatorServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<string> HelmAsync(params string[] arguments)
    {
        var result = await Helm.RunAsync(_directory.Combine("helm-home"), arguments);
        Assert.True(result.Succeeded, $"helm {string.Join(' ', arguments)}:\n{result.StandardError}\n{result.StandardOutput}");
        return result.StandardOutput;
    }

    private async Task<IReadOnlyList<JsonObject>> RenderAsync(params string[] extra) =>
        new ManifestReader(new ManifestLimits { MaxObjects = 100 }).Read(await HelmAsync(["template", "hooks", Chart, "--namespace", "ci", .. extra]));

    private static JsonObject One(IReadOnlyList<JsonObject> objects, string kind, string? nameSuffix = null) =>
        Assert.Single(objects, o => o["kind"]!.GetValue<string>() == kind && (nameSuffix is null || o["metadata"]!["name"]!.GetValue<string>().EndsWith(nameSuffix, StringComparison.Ordinal)));

    private static JsonObject Container(JsonObject deployment) => (JsonObject)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;

    private static IEnumerable<JsonObject> Env(JsonObject container) => container["env"]!.AsArray().Cast<JsonObject>();

    [Fact]
    public async Task Lint_WithDefaultAndTestValues_Passes()
    {
        var defaults = await HelmAsync("lint", Chart);
        var test = await HelmAsync("lint", Chart, "-f", TestValues);

        Assert.Contains("0 chart(s) failed", defaults);
        Assert.Contains("0 chart(s) failed", test);
    }

    [Fact]
    public async Task DefaultValues_GrantOnlyTheVerbsTheCodeUses_OnTheAllowedKind_InTheWorkflowNamespace()
    {
        var objects = await RenderAsync();

        var role = One(objects, "Role");
        Assert.Equal("ci", role["metadata"]!["namespace"]!.GetValue<string>());
        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal(["argoproj.io"], rule["apiGroups"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal(["workflows"], rule["resources"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal(["get", "create", "patch", "list"], rule["verbs"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.DoesNotContain(objects, o => o["kind"]!.GetValue<string>() is "ClusterRole" or "ClusterRoleBinding");
        var binding = One(objects, "RoleBinding");
        Assert.Equal(One(objects, "ServiceAccount")["metadata"]!["name"]!.GetValue<string>(), binding["subjects"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoRuleAnywhere_UsesAWildcard()
    {
        foreach (var objects in new[] { await RenderAsync(), await RenderAsync("-f", TestValues) })
        {
            var values = objects.Where(o => o["kind"]!.GetValue<string>() is "Role" or "ClusterRole")
                .SelectMany(r => r["rules"]!.AsArray())
                .SelectMany(rule => new[] { "apiGroups", "resources", "verbs" }.SelectMany(field => rule![field]!.AsArray()))
                .Select(v => v!.GetValue<string>())
                .ToList();
            Assert.NotEmpty(values);
            Assert.DoesNotContain("*", values);
        }
    }

    [Fact]
    public async Task Silos_AdvertiseTheirPodIp_HaveMeaningfulProbes_AndRunAsNonRootWithAWritableCache()
    {
        var silo = One(await RenderAsync(), "Deployment", "-silo");
        var container = Container(silo);

        var advertised = Assert.Single(Env(container), e => e["name"]!.GetValue<string>() == "Handler__Cluster__AdvertisedAddress");
        Assert.Equal("status.podIP", advertised["valueFrom"]!["fieldRef"]!["fieldPath"]!.GetValue<string>());
        Assert.Equal("/readyz", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("/readyz", container["startupProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal("/healthz", container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.True(silo["spec"]!["template"]!["spec"]!["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
        Assert.True(container["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());
        Assert.Contains(container["volumeMounts"]!.AsArray(), m => m!["mountPath"]!.GetValue<string>() == "/data");
        Assert.Equal(2, silo["spec"]!["replicas"]!.GetValue<long>());
    }

    [Fact]
    public async Task Api_IsAClusterClient_WithoutKubernetesRights_AndTheWebhookSecretFromASecret()
    {
        var objects = await RenderAsync();
        var api = One(objects, "Deployment", "-api");
        var container = Container(api);

        Assert.False(api["spec"]!["template"]!["spec"]!["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.Equal("Cluster", Env(container).Single(e => e["name"]!.GetValue<string>() == "Handler__Mode")["value"]!.GetValue<string>());
        var secretName = container["envFrom"]![0]!["secretRef"]!["name"]!.GetValue<string>();
        var secret = One(objects, "Secret");
        Assert.Equal(secretName, secret["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(40, secret["stringData"]!["WEBHOOK_SECRET"]!.GetValue<string>().Length);
        Assert.All(objects.Where(o => o["kind"]!.GetValue<string>() == "PodDisruptionBudget"), p => Assert.Equal(1, p["spec"]!["minAvailable"]!.GetValue<long>()));
    }

    [Fact]
    public async Task TestValues_BranchNamespacesAndDeleteMode_GrantExactlyWhatThatNeeds()
    {
        var objects = await RenderAsync("-f", TestValues);

        var role = One(objects, "ClusterRole");
        var rules = role["rules"]!.AsArray().Select(r => (Groups: string.Join(",", r!["apiGroups"]!.AsArray().Select(g => g!.GetValue<string>())),
            Resources: string.Join(",", r["resources"]!.AsArray().Select(g => g!.GetValue<string>())),
            Verbs: string.Join(",", r["verbs"]!.AsArray().Select(g => g!.GetValue<string>())))).ToList();
        Assert.Equal(
            [("argoproj.io", "workflows", "get,create,patch,list,delete"), ("", "configmaps", "get,create,patch,list,delete"), ("", "namespaces", "get,create,delete")],
            rules);
        Assert.Equal("hooks.example.com", One(objects, "Ingress")["spec"]!["rules"]![0]!["host"]!.GetValue<string>());
        var env = Env(Container(One(objects, "Deployment", "-silo"))).ToDictionary(e => e["name"]!.GetValue<string>(), e => e["value"]?.GetValue<string>());
        Assert.Equal("ci-{branch}", env["Handler__BranchNamespaces__Template"]);
        Assert.Equal("v1/ConfigMap", env["Handler__AllowedKinds__1"]);
        Assert.Equal("Terminate", env["Handler__Supersede__Mode"]);
        var secret = One(objects, "Secret");
        Assert.Equal("second-test-secret-456", secret["stringData"]!["Handler__WebhookSecrets__0"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RenderedObjects_AreAcceptedByTheApiServer(bool testValues)
    {
        var rendered = _directory.Combine($"rendered-{testValues}.yaml");
        await File.WriteAllTextAsync(rendered, await HelmAsync(["template", "hooks", Chart, "--namespace", "ci", .. testValues ? new[] { "-f", TestValues } : []]));
        var kubectl = new Kubectl(_emulator.WriteKubeconfig(_directory.Combine("kubeconfig")));

        var output = await kubectl.RunCheckedAsync("apply", "-f", rendered);

        var count = new ManifestReader(new ManifestLimits { MaxObjects = 100 }).Read(await File.ReadAllTextAsync(rendered)).Count;
        Assert.Equal(count, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(" created", StringComparison.Ordinal)));
        Assert.Equal(2, _emulator.FindAll("apps", "deployments", "ci").Count);
    }
}
