using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>What the Kubernetes client and the superseder record, against the strict emulator.</summary>
public sealed class KubernetesMetricsTests : IAsyncLifetime
{
    private const string GeneratedWorkflow = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: build-}\nspec: {entrypoint: main}\n";

    private ApplierHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ApplierHarness.StartAsync(TimeSpan.FromSeconds(30));

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task EveryRequest_IsCountedByVerbAndStatus_AsTheServerAnsweredIt()
    {
        var push = TestEvents.Push("owner/repo");

        await _harness.Applier().ApplyAsync(ApplierHarness.Stamped(push, GeneratedWorkflow), push, "ci", CancellationToken.None);

        var requests = _harness.Emulator.Requests.Snapshot();
        await Task.WhenAll(requests.Select(r => r.Completed));
        var sent = requests.Select(r => (r.Method, r.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var counted = _harness.Metrics.Of("handler.kubernetes.requests").Select(m => (m["verb"], m["status"]));
        Assert.Equal(sent.Order(), counted.Order());
        Assert.Contains(("POST", "201"), counted);
    }

    [Fact]
    public async Task OlderWorkflowOfTheRef_StoppedByANewerPush_IsCountedAsStopped()
    {
        var older = TestEvents.Push("owner/repo", after: TestEvents.Sha(1));
        var newer = TestEvents.Push("owner/repo", after: TestEvents.Sha(2), before: TestEvents.Sha(1));
        var applier = _harness.Applier();
        var previous = await applier.ApplyAsync(ApplierHarness.Stamped(older, GeneratedWorkflow), older, "ci", CancellationToken.None);
        var kept = await applier.ApplyAsync(ApplierHarness.Stamped(newer, GeneratedWorkflow), newer, "ci", CancellationToken.None);

        var stopped = await applier.StopOlderAsync(newer, kept, previous, new SupersedePolicy(SupersedeMode.Stop, SupersedeMode.None), CancellationToken.None);

        Assert.Equal(previous, stopped);
        Assert.Equal("stop", Assert.Single(_harness.Metrics.Of("handler.workflows.stopped"))["action"]);
    }
}
