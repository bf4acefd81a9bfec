using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;
using K8sWebhookHandler.Testing.Prometheus;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>A real Prometheus scrapes the handler's <c>/metrics</c> while pushes wait through an outage and are then applied.</summary>
public sealed class MetricsTests(HandlerFixture fixture) : IClassFixture<HandlerFixture>
{
    /// <summary>A safety net for each awaited series: scrapes come every second, a busy machine may delay a few.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private Uri Metrics => new(fixture.Handler.ManagementUri, "metrics");

    [Fact]
    public async Task PushesThroughAnOutage_AreReadBackFromPrometheus_AsQueueDepthDeliveriesAndLatencies()
    {
        await using var prometheus = await PrometheusServer.StartAsync(Metrics);

        var (repository, deliveries) = await fixture.PendingPushesAsync(2, Deadline);
        await prometheus.WaitForSeriesAsync("handler_inbox_depth", Deadline, depth => depth >= 2);
        await prometheus.WaitForSeriesAsync("handler_inbox_oldest_age_seconds", Deadline, age => age > 0);
        await prometheus.WaitForSeriesAsync("""handler_kubernetes_requests_total{verb="POST",status="503"}""", Deadline, n => n >= 2);
        fixture.Emulator.Faults.Clear();
        foreach (var delivery in deliveries)
        {
            Assert.Equal("applied", (await fixture.Client.OutcomeAsync(repository.FullName, delivery))["state"]!.GetValue<string>());
        }

        await prometheus.WaitForSeriesAsync("""handler_deliveries_total{event="push",outcome="applied"}""", Deadline, n => n == 2);
        await prometheus.WaitForSeriesAsync("""handler_webhook_acknowledgement_duration_seconds_count{event="push",status="202"}""", Deadline, n => n == 2);
        await prometheus.WaitForSeriesAsync("""handler_event_to_object_duration_seconds_count{event="push"}""", Deadline, n => n == 2);
        await prometheus.WaitForSeriesAsync("""handler_delivery_retries_total{event="push",trigger="transient"}""", Deadline, n => n >= 2);
        await prometheus.WaitForSeriesAsync("""handler_git_fetch_duration_seconds_count{outcome="succeeded"}""", Deadline, n => n >= 1);
        await prometheus.WaitForSeriesAsync("handler_git_fetch_received_bytes_total", Deadline, bytes => bytes > 0);
        await prometheus.WaitForSeriesAsync("handler_inbox_depth", Deadline, depth => depth == 0);
    }

    [Fact]
    public async Task OrleansAndAspNetCoreMeters_AreScrapedBesideTheHandlers()
    {
        await using var prometheus = await PrometheusServer.StartAsync(Metrics);

        await prometheus.WaitForSeriesAsync("""count({__name__=~"orleans_.+"})""", Deadline, n => n > 0);
        await prometheus.WaitForSeriesAsync("http_server_request_duration_seconds_count", Deadline, n => n > 0);
    }

    [Fact]
    public async Task WebhookPort_DoesNotServeMetrics()
    {
        using var answer = await fixture.Client.Http.GetAsync(new Uri(fixture.Handler.BaseUri, "metrics"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, answer.StatusCode);
    }

    [Fact]
    public async Task HandlersOwnFamilies_PassPromtoolsCheck()
    {
        var promtool = ProcessRunner.Which("promtool")
            ?? throw new InvalidOperationException("promtool is not installed: `apt-get install -y prometheus` (scripts/test.sh does this as root or through sudo)");
        var exposition = await fixture.Client.Management.GetStringAsync(Metrics);

        // Only the handler's families: Orleans' and the runtime's own names (milliseconds, *_count gauges) are theirs to fix.
        var own = string.Join('\n', exposition.Split('\n')
            .Where(line => line.StartsWith("handler_", StringComparison.Ordinal)
                || line.StartsWith("# HELP handler_", StringComparison.Ordinal)
                || line.StartsWith("# TYPE handler_", StringComparison.Ordinal))) + "\n";
        var check = await ProcessRunner.RunAsync(promtool, ["check", "metrics"], standardInput: own);

        Assert.Contains("# TYPE handler_inbox_depth gauge", own);
        Assert.Contains("# TYPE handler_webhook_acknowledgement_duration_seconds histogram", own);
        Assert.Equal((0, ""), (check.ExitCode, check.StandardOutput + check.StandardError));
    }
}
