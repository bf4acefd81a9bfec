using System.Text.Json.Nodes;
using static K8sWebhookHandler.Chart.Tests.ChartRenderer;
using static K8sWebhookHandler.Chart.Tests.Rendered;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>
/// The chart's cluster settings: Redis as host, port, TLS and a password Secret; the Orleans identity as values, with
/// the labels and environment Orleans' Kubernetes hosting reads; an operator's env entry replacing the chart's.
/// </summary>
public sealed class ClusterChartTests : IDisposable
{
    private readonly ChartRenderer _helm = new();

    public void Dispose() => _helm.Dispose();

    [Fact]
    public async Task Redis_HostPortTlsAndOptions_MakeTheConnectionString_AndThePasswordComesFromItsSecret()
    {
        var objects = await _helm.RenderAsync("-f", TestValues, "--set", "redis.passwordKey=pw");

        foreach (var component in new[] { "-silo", "-api" })
        {
            var container = Container(One(objects, "Deployment", component));
            var env = EnvValues(container);
            Assert.Equal("redis.ci.svc:6380,ssl=true,abortConnect=false", env["Handler__Cluster__RedisConnectionString"]);
            Assert.Equal("handler", env["Handler__Cluster__RedisUser"]);
            Assert.Equal(("redis", "pw"), SecretKeyRef(container, "Handler__Cluster__RedisPassword"));
        }
    }

    [Fact]
    public async Task Redis_WithOnlyAHost_IsHostAndDefaultPort_WithoutUserOrPassword()
    {
        var env = EnvValues(Container(One(await _helm.RenderAsync(), "Deployment", "-silo")));

        Assert.Equal("redis.ci.svc:6379", env["Handler__Cluster__RedisConnectionString"]);
        Assert.DoesNotContain("Handler__Cluster__RedisUser", env.Keys);
        Assert.DoesNotContain("Handler__Cluster__RedisPassword", env.Keys);
    }

    [Theory]
    [InlineData("redis.connectionString=redis:6379")]
    [InlineData("image.silo.repository=example/silo")]
    [InlineData("imagePullSecrets[0].name=x")]
    public async Task Schema_RefusesTheKeysThisChartNoLongerHas(string value)
    {
        var result = await _helm.TryHelmAsync(Template("--set", value));

        Assert.False(result.Succeeded);
        Assert.Contains("values don't meet the specifications of the schema", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "hooks-k8s-webhook-handler", "hooks-k8s-webhook-handler")]
    [InlineData(new[] { "--set", "cluster.serviceId=ci", "--set", "cluster.clusterId=ci-blue" }, "ci", "ci-blue")]
    public async Task OrleansIdentity_IsTheValuesOrTheFullName_InLabelsAndEnvOfEverySilo(string[] values, string serviceId, string clusterId)
    {
        var objects = await _helm.RenderAsync(values);
        var silo = One(objects, "Deployment", "-silo");

        var labels = PodMetadata(silo)["labels"]!;
        Assert.Equal((serviceId, clusterId), (labels["orleans/serviceId"]!.GetValue<string>(), labels["orleans/clusterId"]!.GetValue<string>()));
        var env = EnvValues(Container(silo));
        Assert.Equal((serviceId, clusterId), (env["ORLEANS_SERVICE_ID"], env["ORLEANS_CLUSTER_ID"]));
        Assert.Equal((serviceId, clusterId), (env["Handler__Cluster__ServiceId"], env["Handler__Cluster__ClusterId"]));
        var apiEnv = EnvValues(Container(One(objects, "Deployment", "-api")));
        Assert.Equal((serviceId, clusterId), (apiEnv["Handler__Cluster__ServiceId"], apiEnv["Handler__Cluster__ClusterId"]));
    }

    [Theory]
    [InlineData("POD_NAME", "metadata.name")]
    [InlineData("POD_NAMESPACE", "metadata.namespace")]
    [InlineData("POD_IP", "status.podIP")]
    public async Task Silos_KnowTheirPod_FromTheDownwardApi(string name, string field)
    {
        var entry = Assert.Single(EnvNamed(Container(One(await _helm.RenderAsync(), "Deployment", "-silo")), name));

        Assert.Equal(field, entry["valueFrom"]!["fieldRef"]!["fieldPath"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("silo", "-silo")]
    [InlineData("api", "-api")]
    [InlineData("handler", "-silo")]
    [InlineData("handler", "-api")]
    public async Task ExtraEnv_NamedLikeAChartSetting_ReplacesIt_RenderedOnce(string block, string component)
    {
        var objects = await _helm.RenderAsync("--set", $"{block}.extraEnv[0].name=Handler__Cluster__ServiceId", "--set", $"{block}.extraEnv[0].value=mine",
            "--set", $"{block}.extraEnv[1].name=Handler__Extra", "--set", $"{block}.extraEnv[1].value=x");
        var container = Container(One(objects, "Deployment", component));

        Assert.Equal("mine", Assert.Single(EnvNamed(container, "Handler__Cluster__ServiceId"))["value"]!.GetValue<string>());
        Assert.Equal("x", Assert.Single(EnvNamed(container, "Handler__Extra"))["value"]!.GetValue<string>());
        var names = Env(container).Select(e => e["name"]!.GetValue<string>()).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task ComponentExtraEnv_WinsOverHandlerExtraEnv_AndReachesOnlyItsComponent()
    {
        var objects = await _helm.RenderAsync("--set", "handler.extraEnv[0].name=Handler__X", "--set", "handler.extraEnv[0].value=both",
            "--set", "silo.extraEnv[0].name=Handler__X", "--set", "silo.extraEnv[0].value=silo");

        Assert.Equal("silo", Assert.Single(EnvNamed(Container(One(objects, "Deployment", "-silo")), "Handler__X"))["value"]!.GetValue<string>());
        Assert.Equal("both", Assert.Single(EnvNamed(Container(One(objects, "Deployment", "-api")), "Handler__X"))["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Images_ComeFromTheRegistryRepositoryAndTag_OrByDigest()
    {
        const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        var objects = await _helm.RenderAsync("--set", "image.registry=registry.example.com", "--set", "silo.image.tag=1.2.3",
            "--set", $"api.image.digest={Digest}", "--set", "api.image.registry=mirror.example.com", "--set", "api.image.pullPolicy=Always");

        var silo = Container(One(objects, "Deployment", "-silo"));
        var api = Container(One(objects, "Deployment", "-api"));
        Assert.Equal(("registry.example.com/k8s-webhook-handler/k8s-webhook-handler-silo:1.2.3", "IfNotPresent"), (silo["image"]!.GetValue<string>(), silo["imagePullPolicy"]!.GetValue<string>()));
        Assert.Equal(($"mirror.example.com/k8s-webhook-handler/k8s-webhook-handler-api@{Digest}", "Always"), (api["image"]!.GetValue<string>(), api["imagePullPolicy"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PullSecrets_AreTheGlobalOnesAndTheComponentsOwn()
    {
        var objects = await _helm.RenderAsync("--set", "image.pullSecrets[0]=shared", "--set", "silo.imagePullSecrets[0].name=silo-only");

        static IEnumerable<string> Names(JsonObject d) => PodSpec(d)["imagePullSecrets"]!.AsArray().Select(s => s!["name"]!.GetValue<string>());
        Assert.Equal(["shared", "silo-only"], Names(One(objects, "Deployment", "-silo")));
        Assert.Equal(["shared"], Names(One(objects, "Deployment", "-api")));
    }
}
