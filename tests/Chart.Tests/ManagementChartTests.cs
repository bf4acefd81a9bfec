using System.Text.Json.Nodes;
using static K8sWebhookHandler.Chart.Tests.ChartRenderer;
using static K8sWebhookHandler.Chart.Tests.Rendered;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>
/// The management port in the chart: on the pod's loopback without a token; on the pod network behind the token from
/// the operator's Secret, with a cluster-internal Service per component; a ServiceMonitor that scrapes with the token.
/// </summary>
public sealed class ManagementChartTests : IDisposable
{
    private static readonly string[] WithToken = ["--set", "management.existingSecret=ci-management", "--set", "management.tokenKey=bearer"];

    private readonly ChartRenderer _helm = new();

    public void Dispose() => _helm.Dispose();

    [Fact]
    public async Task WithoutAToken_EveryPodListensForManagementOnLoopbackOnly_AndNoServiceExposesIt()
    {
        var objects = await _helm.RenderAsync("-f", TestValues);

        foreach (var component in new[] { "-api", "-silo" })
        {
            var env = EnvValues(Container(One(objects, "Deployment", component)));
            Assert.Equal("http://localhost:8081", env["Handler__Management__Urls"]);
            Assert.DoesNotContain(env.Keys, k => k.StartsWith("Handler__Management__Tokens", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(objects, o => Name(o).EndsWith("-management", StringComparison.Ordinal));
        Assert.DoesNotContain(objects, o => Kind(o) == "ServiceMonitor");
    }

    [Fact]
    public async Task WithAToken_EveryPodListensOnThePodNetwork_BehindTheSecretsToken_WithAServicePerComponent()
    {
        var objects = await _helm.RenderAsync(["-f", TestValues, .. WithToken]);

        foreach (var component in new[] { "api", "silo" })
        {
            var container = Container(One(objects, "Deployment", "-" + component));
            Assert.Equal("http://+:8081", EnvValues(container)["Handler__Management__Urls"]);
            Assert.Equal(("ci-management", "bearer"), SecretKeyRef(container, "Handler__Management__Tokens__0"));
            Assert.Contains(container["ports"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "management" && p["containerPort"]!.GetValue<long>() == 8081);

            var service = One(objects, "Service", $"-{component}-management");
            Assert.Equal("ClusterIP", service["spec"]!["type"]!.GetValue<string>());
            Assert.Equal(component, service["spec"]!["selector"]!["app.kubernetes.io/component"]!.GetValue<string>());
            Assert.Equal("management", Assert.Single(service["spec"]!["ports"]!.AsArray())!["targetPort"]!.GetValue<string>());
        }

        var webhook = Assert.Single(objects, o => Kind(o) == "Service" && Name(o) == "hooks-k8s-webhook-handler");
        Assert.Equal("http", Assert.Single(webhook["spec"]!["ports"]!.AsArray())!["targetPort"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServiceMonitor_ScrapesMetricsOfBothComponents_WithTheToken()
    {
        var objects = await _helm.RenderAsync(["-f", TestValues, .. WithToken, "--set", "management.serviceMonitor.enabled=true"]);

        var monitor = One(objects, "ServiceMonitor");
        var endpoint = Assert.Single(monitor["spec"]!["endpoints"]!.AsArray())!;
        Assert.Equal(("management", "/metrics", "Bearer"), (endpoint["port"]!.GetValue<string>(), endpoint["path"]!.GetValue<string>(), endpoint["authorization"]!["type"]!.GetValue<string>()));
        Assert.Equal(("ci-management", "bearer"), (endpoint["authorization"]!["credentials"]!["name"]!.GetValue<string>(), endpoint["authorization"]!["credentials"]!["key"]!.GetValue<string>()));
        var selected = objects.Where(o => Kind(o) == "Service" && Selects(monitor, o)).Select(Name).Order().ToList();
        Assert.Equal(["hooks-k8s-webhook-handler-api-management", "hooks-k8s-webhook-handler-silo-management"], selected);
    }

    [Fact]
    public async Task ServiceMonitor_WithoutATokenSecret_IsRefusedSayingWhy()
    {
        var result = await _helm.TryHelmAsync(Template("-f", TestValues, "--set", "management.serviceMonitor.enabled=true"));

        Assert.False(result.Succeeded);
        Assert.Contains("management.serviceMonitor.enabled needs management.existingSecret", result.StandardError, StringComparison.Ordinal);
    }

    private static bool Selects(JsonObject monitor, JsonObject service) =>
        monitor["spec"]!["selector"]!["matchLabels"]!.AsObject().All(l => service["metadata"]!["labels"]?[l.Key]?.GetValue<string>() == l.Value!.GetValue<string>());
}
