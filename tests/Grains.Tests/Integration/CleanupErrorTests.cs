using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Tests.Cluster;
using K8sWebhookHandler.Grains.Tests.Unit;
using K8sWebhookHandler.KubeApiEmulator.Diagnostics;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>
/// Errors around the apply: stopping or deleting the ref's older workflows, and making or removing a branch namespace.
/// Before the apply every error decides the outcome; after it, only a transient one does (the delivery is tried again).
/// </summary>
public sealed class CleanupErrorTests : IAsyncLifetime
{
    private const string GeneratedWorkflow = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: build-}\nspec: {entrypoint: main}\n";
    private const string Unavailable = "503 ServiceUnavailable: the server is currently unable to handle the request";
    private const string Forbidden = "the handler's service account may not do this: injected fault: forbidden";
    private ApplierHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ApplierHarness.StartAsync(TimeSpan.FromSeconds(60));

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static (DeliveryState, string?, bool) Summary(ProcessingResult result) => (result.State, result.Reason, result.Transient);

    private List<string> WorkflowsAt(string revision, string ns = "ci") => _harness.Emulator.FindAll("argoproj.io", "workflows", ns)
        .Where(w => w["metadata"]!["annotations"]![Manifests.StampKeys.Revision]!.GetValue<string>() == revision)
        .Select(w => w["metadata"]!["name"]!.GetValue<string>()).ToList();

    /// <summary>Applies a first push of <c>main</c>; returns the second push, what the first applied, and the older workflow's path.</summary>
    private static async Task<(WebhookEvent Second, RefRecord Previous, string OlderPath)> OlderRunAsync(DeliveryProcessor processor)
    {
        var first = TestEvents.Push("owner/repo", after: TestEvents.Sha(1));
        var applied = await processor.ProcessAsync(first, null, CancellationToken.None);
        var older = Assert.Single(applied.Objects);
        var second = TestEvents.Push("owner/repo", before: TestEvents.Sha(1), after: TestEvents.Sha(2));
        return (second, new RefRecord(first.Ref, TestEvents.Sha(1), first.Delivery, applied.Objects, DateTimeOffset.UtcNow),
            $"/apis/argoproj.io/v1alpha1/namespaces/ci/workflows/{older.Name}");
    }

    public static TheoryData<int, DeliveryState, string?, bool, int> StopAnswers() => new()
    {
        { 503, DeliveryState.Queued, Unavailable, true, 1 },
        { 409, DeliveryState.Queued, "it changed between being read and being written, so it is read again: Operation cannot be fulfilled: injected conflict", true, 1 },
        { 403, DeliveryState.Applied, "older workflows were not stopped: " + Forbidden, false, 0 },
        { 404, DeliveryState.Applied, null, false, 0 },
    };

    [Theory]
    [MemberData(nameof(StopAnswers))]
    public async Task ErrorWhileStoppingTheOlderWorkflow_IsRetriedOnlyWhenTransient_AndTheNewOneIsCreatedOnce(
        int status, DeliveryState state, string? reason, bool transient, int stoppedOnRetry)
    {
        var processor = _harness.Processor(new ProcessorSettings(), GeneratedWorkflow);
        var (second, previous, olderPath) = await OlderRunAsync(processor);
        _harness.Emulator.Faults.FailNext(1, status, r => r.Method == "PATCH" && r.Path == olderPath);

        var outcome = await processor.ProcessAsync(second, previous, CancellationToken.None);
        var again = transient ? await processor.ProcessAsync(second, previous, CancellationToken.None) : outcome;

        Assert.Equal((state, reason, transient), Summary(outcome));
        Assert.Equal(transient ? [] : WorkflowsAt(TestEvents.Sha(2)), outcome.Objects.Select(o => o.Name));
        Assert.Empty(outcome.Stopped);
        Assert.Equal(DeliveryState.Applied, again.State);
        Assert.Equal(stoppedOnRetry, again.Stopped.Count);
        Assert.Single(WorkflowsAt(TestEvents.Sha(2)));
    }

    [Fact]
    public async Task ErrorWhileListingOrDeletingOlderObjects_IsTransient_AndTheRetryDeletesThem()
    {
        var processor = _harness.Processor(new ProcessorSettings { Supersede = new SupersedeOptions { Mode = SupersedeMode.Delete } }, GeneratedWorkflow);
        var (second, previous, olderPath) = await OlderRunAsync(processor);
        _harness.Emulator.Faults.FailNext(1, 503, r => r.Method == "GET" && r.Query.StartsWith("labelSelector=", StringComparison.Ordinal));
        _harness.Emulator.Faults.FailNext(1, 500, r => r.Method == "DELETE" && r.Path == olderPath);

        var listing = await processor.ProcessAsync(second, previous, CancellationToken.None);
        var deleting = await processor.ProcessAsync(second, previous, CancellationToken.None);
        var done = await processor.ProcessAsync(second, previous, CancellationToken.None);

        Assert.Equal((DeliveryState.Queued, Unavailable, true), Summary(listing));
        Assert.Equal((DeliveryState.Queued, "500 InternalError: Internal error occurred: injected fault", true), Summary(deleting));
        Assert.Equal((DeliveryState.Applied, (string?)null, false), Summary(done));
        Assert.Equal(olderPath, "/apis/argoproj.io/v1alpha1/namespaces/ci/workflows/" + Assert.Single(done.Stopped).Name);
        Assert.Empty(WorkflowsAt(TestEvents.Sha(1)));
    }

    public static TheoryData<string, int, DeliveryState, string, bool> NamespaceAnswers() => new()
    {
        { "GET", 503, DeliveryState.Queued, Unavailable, true },
        { "GET", 403, DeliveryState.Rejected, Forbidden, false },
        { "POST", 503, DeliveryState.Queued, Unavailable, true },
        { "POST", 403, DeliveryState.Rejected, Forbidden, false },
    };

    [Theory]
    [MemberData(nameof(NamespaceAnswers))]
    public async Task ErrorWhileMakingTheBranchNamespace_DecidesTheOutcome_AndNothingIsApplied(string method, int status, DeliveryState state, string reason, bool transient)
    {
        var processor = _harness.Processor(new ProcessorSettings { Kubernetes = new KubernetesOptions { BranchNamespaces = new BranchNamespaceOptions { Template = "ci-{branch}" } } }, GeneratedWorkflow);
        _harness.Emulator.Faults.FailNext(1, status, r => r.Method == method && r.Path.StartsWith("/api/v1/namespaces", StringComparison.Ordinal));

        var outcome = await processor.ProcessAsync(TestEvents.Push("owner/repo", "feature"), null, CancellationToken.None);

        Assert.Equal((state, reason, transient), Summary(outcome));
        Assert.Null(_harness.Emulator.Find("", "namespaces", null, "ci-feature"));
        Assert.DoesNotContain(_harness.Emulator.Requests.Snapshot(), r => r.Method != "GET" && r.StatusCode < 400);
        Assert.Empty(_harness.Emulator.FindAll("argoproj.io", "workflows"));
    }

    [Fact]
    public async Task RefusalToRemoveADeletedBranchsNamespace_LeavesTheDeletionApplied_SayingSo()
    {
        var (processor, deletion, previous) = await DeletedBranchAsync(403);

        var outcome = await processor.ProcessAsync(deletion, previous, CancellationToken.None);

        Assert.Equal((DeliveryState.Applied, "namespace ci-feature was not removed: " + Forbidden, false), Summary(outcome));
        Assert.Equal(WorkflowsAt(TestEvents.Sha(99)), outcome.Objects.Select(o => o.Name));
        Assert.NotNull(_harness.Emulator.Find("", "namespaces", null, "ci-feature"));
    }

    [Fact]
    public async Task TransientErrorWhileRemovingADeletedBranchsNamespace_IsRetried_WithoutASecondDeletionRun()
    {
        var (processor, deletion, previous) = await DeletedBranchAsync(503);

        var outcome = await processor.ProcessAsync(deletion, previous, CancellationToken.None);
        var again = await processor.ProcessAsync(deletion, previous, CancellationToken.None);

        Assert.Equal((DeliveryState.Queued, Unavailable, true), Summary(outcome));
        Assert.Equal((DeliveryState.Applied, (string?)null, false), Summary(again));
        Assert.Single(WorkflowsAt(TestEvents.Sha(99)));
        Assert.Null(_harness.Emulator.Find("", "namespaces", null, "ci-feature"));
    }

    /// <summary>A branch pushed into its namespace, then its deletion, whose namespace DELETE will answer <paramref name="status"/> once.</summary>
    private async Task<(DeliveryProcessor Processor, WebhookEvent Deletion, RefRecord Previous)> DeletedBranchAsync(int status)
    {
        var processor = _harness.Processor(new ProcessorSettings { Kubernetes = new KubernetesOptions { BranchNamespaces = new BranchNamespaceOptions { Template = "ci-{branch}" } } }, GeneratedWorkflow);
        var push = TestEvents.Push("owner/repo", "feature");
        var applied = await processor.ProcessAsync(push, null, CancellationToken.None);
        _harness.Emulator.Faults.FailNext(1, status, r => r.Method == "DELETE" && r.Path == "/api/v1/namespaces/ci-feature");
        return (processor, TestEvents.Push("owner/repo", "feature", after: "", eventType: "delete"),
            new RefRecord(push.Ref, push.Revision, push.Delivery, applied.Objects, DateTimeOffset.UtcNow));
    }
}
