using System.Text.Json.Nodes;
using static K8sWebhookHandler.Chart.Tests.Rendered;

namespace K8sWebhookHandler.Chart.Tests;

/// <summary>The Grafana dashboard the chart ships as a ConfigMap: it parses, and it shows every metric the handler exports.</summary>
public sealed class GrafanaDashboardTests : IDisposable
{
    /// <summary>The handler's series as Prometheus names them (the tests in EndToEnd.Tests read them back from a real one).</summary>
    private static readonly string[] HandlerSeries =
    [
        "handler_deliveries_total",
        "handler_webhook_acknowledgement_duration_seconds_bucket",
        "handler_event_to_object_duration_seconds_bucket",
        "handler_inbox_depth",
        "handler_inbox_oldest_age_seconds",
        "handler_git_fetch_duration_seconds_bucket",
        "handler_git_fetch_received_bytes_total",
        "handler_kubernetes_requests_total",
        "handler_delivery_retries_total",
        "handler_workflows_stopped_total",
    ];

    private readonly ChartRenderer _helm = new();

    [Fact]
    public async Task DashboardEnabled_ConfigMapHoldsADashboardOfEveryHandlerSeries()
    {
        var objects = await _helm.RenderAsync("--set", "management.grafanaDashboard.enabled=true");

        var configMap = One(objects, "ConfigMap", "-grafana-dashboard");
        var dashboard = JsonNode.Parse(configMap["data"]!["k8s-webhook-handler.json"]!.GetValue<string>())!;
        var queries = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>()).ToList();
        var unshown = HandlerSeries.Where(series => !queries.Any(q => q.Contains(series + "{", StringComparison.Ordinal))).ToList();
        Assert.Equal("k8s-webhook-handler", dashboard["uid"]!.GetValue<string>());
        Assert.Equal([], unshown);
    }

    [Fact]
    public async Task ByDefault_NoDashboardIsRendered()
    {
        var objects = await _helm.RenderAsync();

        Assert.DoesNotContain(objects, o => Kind(o) == "ConfigMap" && Name(o).EndsWith("-grafana-dashboard", StringComparison.Ordinal));
    }

    public void Dispose() => _helm.Dispose();
}
