using System.Net;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>
/// The Orleans dashboard on the management port, behind its token: its page, and its grain statistics once the
/// repository grain has been called, from the in-process silo (local mode) and from the silos through the Api's
/// cluster client (cluster mode).
/// </summary>
public sealed class DashboardTests(ManagementTokenFixture fixture) : IClassFixture<ManagementTokenFixture>
{
    /// <summary>The dashboard gathers its counters every second; this only bounds a machine too slow to do so.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Dashboard_ServesItsPageBehindTheToken_OnTheManagementPortOnly()
    {
        using var anonymous = WebhookClient.ManagementClient(fixture.Handler.ManagementUri);
        using var publicPort = WebhookClient.ManagementClient(fixture.Handler.BaseUri, ManagementTokenFixture.Token);

        using var page = await fixture.Client.Management.GetAsync("/dashboard/");
        using var refused = await anonymous.GetAsync("/dashboard/DashboardCounters");
        using var onPublic = await publicPort.GetAsync("/dashboard/DashboardCounters");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.NotFound), (refused.StatusCode, onPublic.StatusCode));
    }

    [Fact]
    public async Task LocalMode_DashboardCounters_ShowTheSiloAndTheRepositoryGrain()
    {
        var (repo, head) = await fixture.NewRepositoryAsync();
        var delivery = Guid.NewGuid().ToString();
        await fixture.Client.SendAsync("push", delivery, fixture.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head));
        await fixture.Client.OutcomeAsync(repo.FullName, delivery);

        var counters = await CountersShowingAsync(fixture.Client.Management, "RepositoryGrain");

        Assert.Equal(1, counters["totalActiveHostCount"]!.GetValue<int>());
        Assert.True(counters["totalActivationCount"]!.GetValue<int>() > 0, counters.ToJsonString());
    }

    [Fact]
    public async Task ClusterMode_TheApisDashboard_ShowsTheSilosGrains()
    {
        var cluster = new ClusterHandlerFixture();
        await cluster.InitializeAsync();
        try
        {
            var (repo, head) = await cluster.NewRepositoryAsync();
            var delivery = Guid.NewGuid().ToString();
            await cluster.Client.SendAsync("push", delivery, cluster.PushPayload(repo, "refs/heads/main", GitHubPayloads.Zero, head));
            await cluster.Client.OutcomeAsync(repo.FullName, delivery);

            var counters = await CountersShowingAsync(cluster.Client.Management, "RepositoryGrain");

            Assert.Equal(1, counters["totalActiveHostCount"]!.GetValue<int>());
            Assert.Equal(cluster.Silos.Count, counters["hosts"]!.AsArray().Count);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>The dashboard's counters once their grain statistics name a grain type containing <paramref name="grain"/>.</summary>
    private static async Task<JsonObject> CountersShowingAsync(HttpClient management, string grain)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var last = "";
        while (waited.Elapsed < SafetyNet)
        {
            using var response = await management.GetAsync("/dashboard/DashboardCounters");
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && JsonNode.Parse(last) is JsonObject counters
                && counters["simpleGrainStats"]!.AsArray().Any(s => s!["grainType"]!.GetValue<string>().Contains(grain, StringComparison.Ordinal)))
            {
                return counters;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        throw new TimeoutException($"the dashboard showed no {grain} within {SafetyNet}; it last answered {last}");
    }
}
