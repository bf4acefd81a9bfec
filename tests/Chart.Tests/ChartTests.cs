using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Kubernetes;
using static K8sWebhookHandler.Chart.Tests.ChartRenderer;
using static K8sWebhookHandler.Chart.Tests.Rendered;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>The Helm chart: it lints, renders what the handler needs and no more, and the API server accepts it.</summary>
public sealed class ChartTests : IAsyncLifetime
{
    private readonly ChartRenderer _helm = new();
    private KubeApiEmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await KubeApiEmulatorServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _helm.Dispose();
    }

    private Task<string> HelmAsync(params string[] arguments) => _helm.HelmAsync(arguments);

    private Task<IReadOnlyList<System.Text.Json.Nodes.JsonObject>> RenderAsync(params string[] extra) => _helm.RenderAsync(extra);

    [Theory]
    [InlineData("")]
    [InlineData("test-values.yaml")]
    [InlineData("github-app-values.yaml")]
    [InlineData("production-values.yaml")]
    public async Task LintStrict_WithEachCiValuesFile_Passes(string valuesFile)
    {
        var output = await HelmAsync(["lint", "--strict", ChartDirectory, .. CiValues(valuesFile)]);

        Assert.Contains("0 chart(s) failed", output);
    }

    [Fact]
    public async Task WithoutRedis_TheChartRefusesToRender_SayingWhatToSet()
    {
        var values = _helm.Combine("no-redis-values.yaml");
        await File.WriteAllTextAsync(values, "webhook:\n  existingSecret: ci-webhook\nredis:\n  port: 6380\n");

        var result = await _helm.TryHelmAsync(TemplateWithoutDefaults("-f", values));

        Assert.False(result.Succeeded);
        Assert.Contains("redis.host is not set", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--set redis.host=", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("redis.existingSecret", result.StandardError, StringComparison.Ordinal);
    }

    // Which verbs the roles grant is derived from the handler's own requests: tests/EndToEnd.Tests/Rbac/ChartRbacTests.

    [Theory]
    [InlineData(false, "RoleBinding", "Role")]
    public async Task TheRole_IsBoundToTheSilosServiceAccount_AndNothingElse(bool testValues, string bindingKind, string roleKind)
    {
        var objects = await RenderAsync(testValues ? new[] { "-f", TestValues } : []);

        var binding = One(objects, bindingKind);
        var role = One(objects, roleKind);
        var account = PodSpec(One(objects, "Deployment", "-silo"))["serviceAccountName"]!.GetValue<string>();
        Assert.Single(objects, o => Kind(o) == "ServiceAccount" && Name(o) == account);
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
        var secret = One(objects, "Secret");
        Assert.Equal((Name(secret), "WEBHOOK_SECRET"), SecretKeyRef(container, "WEBHOOK_SECRET"));
        Assert.Equal(40, secret["stringData"]!["WEBHOOK_SECRET"]!.GetValue<string>().Length);
        Assert.Equal(2, objects.Count(o => Kind(o) == "PodDisruptionBudget"));
        Assert.All(objects.Where(o => Kind(o) == "PodDisruptionBudget"), p => Assert.Equal((1L, null), (p["spec"]!["maxUnavailable"]!.GetValue<long>(), p["spec"]!["minAvailable"])));
    }

    [Fact]
    public async Task TestValues_ReachTheIngressTheSilosSettingsAndTheSecret()
    {
        var objects = await RenderAsync("-f", TestValues);

        Assert.Equal("hooks.example.com", One(objects, "Ingress")["spec"]!["rules"]![0]!["host"]!.GetValue<string>());
        var env = EnvValues(Container(One(objects, "Deployment", "-silo")));
        Assert.Equal("ci-{branch}", env["Handler__BranchNamespaces__Template"]);
        Assert.Equal("v1/ConfigMap", env["Handler__AllowedKinds__1"]);
        Assert.Equal("Terminate", env["Handler__Supersede__Mode"]);
        var secret = One(objects, "Secret");
        Assert.Equal("second-test-secret-456", secret["stringData"]!["Handler__WebhookSecrets__0"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true, new string[0])]
    [InlineData(true, new[] { "--set", "handler.namespace=workflows", "--set", "handler.allowedNamespaces={ci}" })]
    [InlineData(false, new[] { "--set", "handler.namespace=workflows" })]
    public async Task Notes_Warn_WhenManifestsMayCreateObjectsInTheSilosOwnNamespace(bool warns, string[] values)
    {
        var kubeconfig = _emulator.WriteKubeconfig(_helm.Combine("kubeconfig"));

        var output = await HelmAsync(["install", "hooks", ChartDirectory, "--namespace", "ci", "--dry-run", "--kubeconfig", kubeconfig, .. CiValues(""), .. values]);

        Assert.Contains("NOTES:", output, StringComparison.Ordinal);
        Assert.Equal(warns, output.Contains("WARNING: manifests may create objects in ci, the namespace of the silos themselves.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("test-values.yaml")]
    [InlineData("github-app-values.yaml")]
    [InlineData("production-values.yaml")]
    public async Task RenderedObjects_AreAcceptedByTheApiServer(string valuesFile)
    {
        var rendered = _helm.Combine($"rendered-{valuesFile}.yaml");
        await File.WriteAllTextAsync(rendered, await HelmAsync(Template(CiValues(valuesFile))));
        foreach (var ns in Read(await File.ReadAllTextAsync(rendered)).Select(o => o["metadata"]!["namespace"]?.GetValue<string>()).OfType<string>().Distinct())
        {
            if (_emulator.Find("", "namespaces", null, ns) is null)
            {
                _emulator.CreateNamespace(ns);
            }
        }
        var kubectl = new Kubectl(_emulator.WriteKubeconfig(_helm.Combine("kubeconfig")));

        var output = await kubectl.RunCheckedAsync("apply", "-f", rendered);

        var objects = Read(await File.ReadAllTextAsync(rendered));
        Assert.Equal(objects.Count, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(" created", StringComparison.Ordinal)));
        Assert.Equal(
            objects.Where(o => o["kind"]!.GetValue<string>() == "Deployment").Select(o => o["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal),
            _emulator.FindAll("apps", "deployments", "ci").Select(d => d["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }
}
