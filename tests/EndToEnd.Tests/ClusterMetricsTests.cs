using System.Globalization;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>In the cluster mode each program serves its own <c>/metrics</c>: intake's in the Api, the grains' in the silo.</summary>
public sealed class ClusterMetricsTests(ClusterHandlerFixture fixture) : IClassFixture<ClusterHandlerFixture>
{
    [Fact]
    public async Task AppliedPush_IsCountedByTheSilo_AndAcknowledgedByTheApi()
    {
        var (repository, head) = await fixture.NewRepositoryAsync();
        var (delivery, _) = await fixture.PushNewBranchAsync(repository, head, "metrics");
        Assert.Equal("applied", (await fixture.Client.OutcomeAsync(repository.FullName, delivery))["state"]!.GetValue<string>());

        var silo = await ScrapeAsync(fixture.Silos[0].ManagementUri);
        var api = await ScrapeAsync(fixture.Handler.ManagementUri);

        Assert.Equal(1, Value(silo, "handler_deliveries_total", """event="push",outcome="applied" """));
        Assert.Equal(0, Value(silo, "handler_inbox_depth", ""));
        Assert.Equal(1, Value(api, "handler_webhook_acknowledgement_duration_seconds_count", """event="push",status="202" """));
        Assert.DoesNotContain("handler_deliveries_total", api);
    }

    private async Task<string> ScrapeAsync(Uri management) => await fixture.Client.Management.GetStringAsync(new Uri(management, "metrics"));

    /// <summary>The value of the one series of <paramref name="family"/> whose labels include <paramref name="labels"/>.</summary>
    private static double Value(string exposition, string family, string labels)
    {
        var series = exposition.Split('\n').Single(line => line.StartsWith(family + "{", StringComparison.Ordinal) && line.Contains(labels.Trim(), StringComparison.Ordinal));
        return double.Parse(series[(series.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
