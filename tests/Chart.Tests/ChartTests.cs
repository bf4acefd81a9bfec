using System.Text.Json.Nodes;
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

    public async Task InitializeAsync()
    {
        if (Helm.Find() is null)
        {
            Assert.Fail(Helm.InstallAdvice);
        }

        _emulator = await KubeApiEmulatorServer.StartAsync();
    }

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
        new ManifestReader(new ManifestOptions { MaxObjects = 100 }).Read(await HelmAsync(["template", "hooks", Chart, "--namespace", "ci", .. extra]));

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

    // Which verbs the roles grant is derived from the handler's own requests: tests/EndToEnd.Tests/Rbac/ChartRbacTests.

    [Theory]
    [InlineData(false, "RoleBinding", "Role")]
    [InlineData(true, "ClusterRoleBinding", "ClusterRole")]
    public async Task TheRole_IsBoundToTheSilosServiceAccount_AndNothingElse(bool testValues, string bindingKind, string roleKind)
    {
        var objects = await RenderAsync(testValues ? new[] { "-f", TestValues } : []);

        var binding = One(objects, bindingKind);
        var role = One(objects, roleKind);
        var account = One(objects, "ServiceAccount")["metadata"]!["name"]!.GetValue<string>();
        Assert.Equal((roleKind, role["metadata"]!["name"]!.GetValue<string>()), (binding["roleRef"]!["kind"]!.GetValue<string>(), binding["roleRef"]!["name"]!.GetValue<string>()));
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal(("ServiceAccount", account, "ci"), (subject["kind"]!.GetValue<string>(), subject["name"]!.GetValue<string>(), subject["namespace"]!.GetValue<string>()));
        Assert.Equal(account, One(objects, "Deployment", "-silo")["spec"]!["template"]!["spec"]!["serviceAccountName"]!.GetValue<string>());
        Assert.Single(objects, o => o["kind"]!.GetValue<string>() is "Role" or "ClusterRole");
        Assert.Single(objects, o => o["kind"]!.GetValue<string>() is "RoleBinding" or "ClusterRoleBinding");
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
    public async Task TestValues_ReachTheIngressTheSilosSettingsAndTheSecret()
    {
        var objects = await RenderAsync("-f", TestValues);

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

        var objects = new ManifestReader(new ManifestOptions { MaxObjects = 100 }).Read(await File.ReadAllTextAsync(rendered));
        Assert.Equal(objects.Count, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(" created", StringComparison.Ordinal)));
        Assert.Equal(
            objects.Where(o => o["kind"]!.GetValue<string>() == "Deployment").Select(o => o["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal),
            _emulator.FindAll("apps", "deployments", "ci").Select(d => d["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }
}
