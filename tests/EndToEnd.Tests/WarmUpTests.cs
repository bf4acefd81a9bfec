using System.Text.Json.Nodes;

namespace K8sWebhookHandler.EndToEnd.Tests;

/// <summary>
/// A fresh start says ready only once the warm-up has passed (the fixtures wait for it), and the warm-up leaves nothing
/// behind: no stored grain state, no repository with deliveries, nothing sent to the API server but readiness's probe
/// (and the reads of the Workflow watch, which starts with the host).
/// </summary>
public sealed class WarmUpTests
{
    [Fact]
    public async Task LocalMode_IsReadyOnceWarmedUp_AndTheWarmUpLeftNothingBehind()
    {
        var fixture = new HandlerFixture();
        await fixture.InitializeAsync();
        try
        {
            var (status, warmUp) = await WarmUpCheckAsync(fixture.Client.Http);
            using var inspection = await fixture.Client.Management.GetAsync("/api/repositories/k8s-webhook-handler/warm-up");
            var sample = JsonNode.Parse(await inspection.Content.ReadAsStringAsync())!;

            Assert.Equal((200, "Healthy", "warmed up: intake, grains, inbox, manifests"), (status, warmUp["status"]!.GetValue<string>(), warmUp["description"]!.GetValue<string>()));
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(fixture.Handler.DataDirectory, "grains")));
            Assert.Equal((0, 0), (sample["pending"]!.GetValue<int>(), sample["deliveries"]!.AsArray().Count));
            Assert.All(fixture.Emulator.Requests.Snapshot(), request =>
                Assert.True(request.Method == "GET" && (request.Path == "/version" || IsWorkflowWatch(request)), request.ToString()));
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    /// <summary>The watch's discovery of Argo's group, and its list and watch of the handler's own Workflows.</summary>
    private static bool IsWorkflowWatch(KubeApiEmulator.Diagnostics.RecordedRequest request) =>
        request.Path == "/apis/argoproj.io/v1alpha1" ||
        (request.Path.StartsWith("/apis/argoproj.io/v1alpha1/", StringComparison.Ordinal) &&
         request.Query.Contains("labelSelector=app.kubernetes.io%2Fmanaged-by%3Dk8s-webhook-handler", StringComparison.Ordinal));

    [Fact]
    public async Task ClusterMode_TheSiloAndTheApiAreReadyOnceWarmedUp()
    {
        var fixture = new ClusterHandlerFixture();
        await fixture.InitializeAsync();
        try
        {
            var silo = fixture.Silos[0];
            await silo.WaitUntilWarmAsync();
            using var siloHttp = new HttpClient { BaseAddress = silo.BaseUri };
            var (siloStatus, siloWarmUp) = await WarmUpCheckAsync(siloHttp);
            var (apiStatus, apiWarmUp) = await WarmUpCheckAsync(fixture.Client.Http);

            Assert.Equal((200, "warmed up: grains, inbox, manifests"), (siloStatus, siloWarmUp["description"]!.GetValue<string>()));
            Assert.Equal((200, "warmed up: intake, grains"), (apiStatus, apiWarmUp["description"]!.GetValue<string>()));
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    private static async Task<(int Status, JsonNode WarmUp)> WarmUpCheckAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/readyz");
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return ((int)response.StatusCode, report["checks"]!["warm-up"]!);
    }
}
