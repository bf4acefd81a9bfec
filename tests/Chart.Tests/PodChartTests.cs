using System.Text.Json.Nodes;
using static K8sWebhookHandler.Chart.Tests.ChartRenderer;
using static K8sWebhookHandler.Chart.Tests.Rendered;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>
/// Each component's pods: their ServiceAccount, where they are scheduled, how they are probed and disrupted, what
/// the operator adds to them, and the silos' git cache volume.
/// </summary>
public sealed class PodChartTests : IDisposable
{
    private readonly ChartRenderer _helm = new();

    public void Dispose() => _helm.Dispose();

    [Fact]
    public async Task EachComponent_HasAServiceAccountOfItsOwn_AndOnlyTheSilosMountItsToken()
    {
        var objects = await _helm.RenderAsync();

        var silo = PodSpec(One(objects, "Deployment", "-silo"));
        var api = PodSpec(One(objects, "Deployment", "-api"));
        Assert.Equal(["hooks-k8s-webhook-handler", "hooks-k8s-webhook-handler-api"], objects.Where(o => Kind(o) == "ServiceAccount").Select(Name).Order());
        Assert.Equal(("hooks-k8s-webhook-handler", true), (silo["serviceAccountName"]!.GetValue<string>(), silo["automountServiceAccountToken"]!.GetValue<bool>()));
        Assert.Equal(("hooks-k8s-webhook-handler-api", false), (api["serviceAccountName"]!.GetValue<string>(), api["automountServiceAccountToken"]!.GetValue<bool>()));
        Assert.False(One(objects, "ServiceAccount", "-api")["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.DoesNotContain(objects.Where(o => Kind(o) is "RoleBinding" or "ClusterRoleBinding").SelectMany(b => b["subjects"]!.AsArray()),
            s => s!["name"]!.GetValue<string>() == "hooks-k8s-webhook-handler-api");
    }

    [Fact]
    public async Task ServiceAccounts_NotCreated_AreNamedOrDefault_AndRbacOff_MakesNoRoles()
    {
        var objects = await _helm.RenderAsync("--set", "silo.serviceAccount.create=false", "--set", "silo.serviceAccount.name=ci-silo",
            "--set", "api.serviceAccount.create=false", "--set", "rbac.create=false", "--set", "silo.serviceAccount.annotations.a=b");

        Assert.DoesNotContain(objects, o => Kind(o) is "ServiceAccount" or "Role" or "RoleBinding" or "ClusterRole" or "ClusterRoleBinding");
        Assert.Equal("ci-silo", PodSpec(One(objects, "Deployment", "-silo"))["serviceAccountName"]!.GetValue<string>());
        Assert.Equal("default", PodSpec(One(objects, "Deployment", "-api"))["serviceAccountName"]!.GetValue<string>());
    }

    [Fact]
    public async Task SilosAccount_NotCreatedAndUnnamed_IsRefused_RatherThanGrantingTheNamespacesDefaultAccount()
    {
        var result = await _helm.TryHelmAsync(Template("--set", "silo.serviceAccount.create=false"));

        Assert.False(result.Succeeded);
        Assert.Contains("silo.serviceAccount.create=false needs silo.serviceAccount.name", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("silo.extraEnv=[{\"name\":\"Handler__MaxRefs\",\"value\":5}]", "silo.extraEnv.0.value: Invalid type. Expected: string, given: integer")]
    [InlineData("api.podAnnotations={\"prometheus.io/port\":8081}", "api.podAnnotations.prometheus.io/port: Invalid type. Expected: string, given: integer")]
    [InlineData("silo.podLabels={\"tier\":1}", "silo.podLabels.tier: Invalid type. Expected: string, given: integer")]
    public async Task UnquotedNumbers_WhereKubernetesTakesOnlyStrings_AreRefusedByTheChart(string value, string message)
    {
        var result = await _helm.TryHelmAsync(Template("--set-json", value));

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodLabels_AreAdded_ButMayNotSetTheSelectorsLabels()
    {
        var deployment = One(await _helm.RenderAsync("--set", "api.podLabels.team=ci"), "Deployment", "-api");
        var refused = await _helm.TryHelmAsync(Template("--set", "api.podLabels.app\\.kubernetes\\.io/component=x"));

        var labels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.Equal(("api", "ci", 4), (labels["app.kubernetes.io/component"]!.GetValue<string>(), labels["team"]!.GetValue<string>(), labels.Count));
        Assert.False(refused.Succeeded);
        Assert.Contains("api.podLabels may not set app.kubernetes.io/component", refused.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("api")]
    public async Task ByDefault_PodsPreferOnePerNode_OnTheirComponentsLabels(string component)
    {
        var spec = PodSpec(One(await _helm.RenderAsync(), "Deployment", "-" + component));

        var term = Assert.Single(spec["affinity"]!["podAntiAffinity"]!["preferredDuringSchedulingIgnoredDuringExecution"]!.AsArray())!["podAffinityTerm"]!;
        Assert.Equal("kubernetes.io/hostname", term["topologyKey"]!.GetValue<string>());
        Assert.Equal(component, term["labelSelector"]!["matchLabels"]!["app.kubernetes.io/component"]!.GetValue<string>());
        Assert.Null(spec["affinity"]!["podAntiAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]);
    }

    [Fact]
    public async Task PodSettings_OfAComponent_ReachItsPodsOnly()
    {
        var objects = await _helm.RenderAsync("--set", "silo.affinity.nodeAffinity.x=y", "--set", "silo.priorityClassName=high",
            "--set", "silo.terminationGracePeriodSeconds=120", "--set", "silo.podAnnotations.a=b", "--set", "silo.podLabels.team=ci",
            "--set", "silo.strategy.type=Recreate", "--set", "silo.topologySpreadConstraints[0].maxSkew=1",
            "--set", "silo.envFrom[0].configMapRef.name=extra", "--set", "silo.extraVolumes[0].name=v", "--set", "silo.extraVolumes[0].emptyDir.medium=Memory",
            "--set", "silo.extraVolumeMounts[0].name=v", "--set", "silo.extraVolumeMounts[0].mountPath=/v");
        var silo = One(objects, "Deployment", "-silo");
        var spec = PodSpec(silo);

        Assert.Equal(("y", "high", 120L), (spec["affinity"]!["nodeAffinity"]!["x"]!.GetValue<string>(), spec["priorityClassName"]!.GetValue<string>(), spec["terminationGracePeriodSeconds"]!.GetValue<long>()));
        Assert.Null(spec["affinity"]!["podAntiAffinity"]);
        Assert.Equal(("b", "ci"), (PodMetadata(silo)["annotations"]!["a"]!.GetValue<string>(), PodMetadata(silo)["labels"]!["team"]!.GetValue<string>()));
        Assert.Equal("Recreate", silo["spec"]!["strategy"]!["type"]!.GetValue<string>());
        Assert.Equal(1, spec["topologySpreadConstraints"]![0]!["maxSkew"]!.GetValue<long>());
        Assert.Equal("extra", Container(silo)["envFrom"]![0]!["configMapRef"]!["name"]!.GetValue<string>());
        Assert.Contains(spec["volumes"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "v");
        Assert.Contains(Container(silo)["volumeMounts"]!.AsArray(), m => m!["mountPath"]!.GetValue<string>() == "/v");
        var api = One(objects, "Deployment", "-api");
        Assert.Equal((null, null, 30L), (PodSpec(api)["priorityClassName"], PodSpec(api)["topologySpreadConstraints"], PodSpec(api)["terminationGracePeriodSeconds"]!.GetValue<long>()));
        Assert.Null(Container(api)["envFrom"]);
    }

    [Fact]
    public async Task ProbeOverrides_AreMergedOverTheChartsProbes()
    {
        var container = Container(One(await _helm.RenderAsync("--set", "silo.livenessProbe.periodSeconds=30", "--set", "silo.startupProbe.failureThreshold=300"), "Deployment", "-silo"));

        Assert.Equal(("/healthz", 30L, 6L), (container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>(), container["livenessProbe"]!["periodSeconds"]!.GetValue<long>(), container["livenessProbe"]!["failureThreshold"]!.GetValue<long>()));
        Assert.Equal(("/readyz", 300L), (container["startupProbe"]!["httpGet"]!["path"]!.GetValue<string>(), container["startupProbe"]!["failureThreshold"]!.GetValue<long>()));
        Assert.Equal(10, container["readinessProbe"]!["periodSeconds"]!.GetValue<long>());
    }

    [Fact]
    public async Task ProbeOverride_OfAnotherKind_ReplacesTheChartsCheck_ForAProbeHasOne()
    {
        var container = Container(One(await _helm.RenderAsync("--set-json", "silo.livenessProbe={\"exec\":{\"command\":[\"true\"]}}"), "Deployment", "-silo"));

        var probe = container["livenessProbe"]!.AsObject();
        Assert.Null(probe["httpGet"]);
        Assert.Equal(("true", 6L), (probe["exec"]!["command"]![0]!.GetValue<string>(), probe["failureThreshold"]!.GetValue<long>()));
    }

    [Fact]
    public async Task DisruptionBudget_CanKeepAFloorInstead_ButNotBoth()
    {
        var floor = await _helm.RenderAsync("--set", "podDisruptionBudget.minAvailable=1", "--set", "podDisruptionBudget.maxUnavailable=");
        var both = await _helm.TryHelmAsync(Template("--set", "podDisruptionBudget.minAvailable=1"));

        Assert.All(floor.Where(o => Kind(o) == "PodDisruptionBudget"), p => Assert.Equal((1L, null), (p["spec"]!["minAvailable"]!.GetValue<long>(), p["spec"]!["maxUnavailable"])));
        Assert.False(both.Succeeded);
        Assert.Contains("podDisruptionBudget: set one of maxUnavailable and minAvailable, not both", both.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("20Gi", "20Gi")]
    public async Task CacheVolume_IsAnEmptyDir_WithASizeLimitOnlyWhenAsked(string sizeLimit, string? expected)
    {
        var data = DataVolume(await _helm.RenderAsync("--set", $"silo.cacheVolume.sizeLimit={sizeLimit}"));

        Assert.NotNull(data["emptyDir"]);
        Assert.Equal(expected, data["emptyDir"]!["sizeLimit"]?.GetValue<string>());
    }

    [Fact]
    public async Task CacheVolume_Ephemeral_IsAClaimPerPod_OfTheClassAndSize()
    {
        var data = DataVolume(await _helm.RenderAsync("--set", "silo.cacheVolume.type=ephemeral", "--set", "silo.cacheVolume.ephemeral.storageClassName=fast",
            "--set", "silo.cacheVolume.ephemeral.size=50Gi"));

        var claim = data["ephemeral"]!["volumeClaimTemplate"]!["spec"]!;
        Assert.Null(data["emptyDir"]);
        Assert.Equal(("fast", "50Gi", "ReadWriteOnce"), (claim["storageClassName"]!.GetValue<string>(), claim["resources"]!["requests"]!["storage"]!.GetValue<string>(), Assert.Single(claim["accessModes"]!.AsArray())!.GetValue<string>()));
    }

    private static JsonObject DataVolume(IReadOnlyList<JsonObject> objects) =>
        (JsonObject)Assert.Single(PodSpec(One(objects, "Deployment", "-silo"))["volumes"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "data")!;
}
