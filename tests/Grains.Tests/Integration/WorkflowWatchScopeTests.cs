using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Kubernetes;
using static K8sWebhookHandler.Grains.Tests.Integration.WorkflowWatchHarness;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>Which namespaces the watch covers, and what it does with lines it cannot use.</summary>
public sealed class WorkflowWatchScopeTests
{
    [Fact]
    public async Task AllowedNamespaces_AreEachListedAndWatchedAndNoOther()
    {
        await using var harness = await StartAsync();
        harness.Emulator.CreateNamespace("other");
        await harness.CreateAsync(Workflow("in-ci"));
        await harness.CreateAsync(Workflow("in-default", ns: "default"));
        await harness.CreateAsync(Workflow("in-other", ns: "other"));

        harness.Watch(new KubernetesOptions { AllowedNamespaces = ["default", "ci"] });
        await harness.WatchesAsync(2);

        Assert.Equal(["in-ci", "in-default"], harness.Observed.All.Select(o => o.Object.Name).Order());
        Assert.Equal(
            ["/apis/argoproj.io/v1alpha1/namespaces/ci/workflows", "/apis/argoproj.io/v1alpha1/namespaces/default/workflows"],
            harness.Watches().Select(w => w.Path).Order());
    }

    [Fact]
    public async Task BranchNamespacesOn_OneWatchCoversAllNamespaces()
    {
        await using var harness = await StartAsync();
        harness.Emulator.CreateNamespace("ci-main");
        await harness.CreateAsync(Workflow("in-branch", ns: "ci-main"));

        harness.Watch(new KubernetesOptions { BranchNamespaces = new() { Template = "ci-{branch}" } });
        await harness.WatchesAsync(1);
        await harness.CreateAsync(Workflow("in-default", "Running", ns: "default"));
        await harness.Observed.SeenAsync("in-default", WorkflowPhase.Running);

        Assert.Equal([("ci-main", "in-branch"), ("default", "in-default")], harness.Observed.All.Select(o => (o.Object.Namespace, o.Object.Name)));
        Assert.Equal(["/apis/argoproj.io/v1alpha1/workflows"], harness.Watches().Select(w => w.Path));
    }

    [Fact]
    public async Task UnreadableOversizedAndUnknownLines_AreSkippedAndABookmarkMovesTheResumeVersion()
    {
        await using var harness = await StartAsync();
        var first = await harness.CreateAsync(Workflow("first"));
        await harness.CreateAsync(Workflow("foreign", managed: false));
        var canned = Workflow("canned", "Running");
        canned["metadata"]!["resourceVersion"] = "2";
        var bookmark = new JsonObject { ["kind"] = "Workflow", ["apiVersion"] = "argoproj.io/v1alpha1", ["metadata"] = new JsonObject { ["resourceVersion"] = first } };
        string[] lines =
        [
            "not json",
            """{"type":"ADDED"}""",
            """{"type":"ADDED","object":{"metadata":{"name":"x"}}}""" + new string(' ', 70_000),
            Event("SURPRISE", Workflow("surprise")),
            Event("ADDED", canned),
            Event("BOOKMARK", bookmark),
            """{"type":"MODIFIED","object":{"metad""",
        ];
        harness.Emulator.Faults.AnswerNext(1, 200, string.Join('\n', lines), "application/json", IsWatch);

        harness.Watch(limits: new WorkflowWatchLimits { MaxLineBytes = 64 * 1024 });
        await harness.WatchesAsync(2);

        Assert.Equal([("first", WorkflowPhase.Pending), ("canned", WorkflowPhase.Running)], harness.Observed.All.Select(o => (o.Object.Name, o.Phase)));
        Assert.Equal(first, harness.Watches()[1].QueryValue("resourceVersion"));
        Assert.Single(harness.Lists());
    }

    [Fact]
    public async Task ErrorEventOtherThanGone_EndsTheWatchAsTransient()
    {
        await using var harness = await StartAsync();
        var status = new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["code"] = 500, ["message"] = "etcdserver: leader changed" };
        harness.Emulator.Faults.AnswerNext(1, 200, Event("ERROR", status) + "\n", "application/json", IsWatch);

        harness.Watch();
        var failure = await Assert.ThrowsAsync<Failures.TransientException>(() => harness.Watching.WaitAsync(SafetyNet));

        Assert.Equal("the watch on workflows.argoproj.io in ci ended with an error event 500: etcdserver: leader changed", failure.Message);
        Assert.Single(harness.Lists());
    }

    [Fact]
    public async Task ContinueTokenExpiredBetweenPages_ListsFromTheStart()
    {
        await using var harness = await StartAsync();
        await harness.CreateAsync(Workflow("a"));
        await harness.CreateAsync(Workflow("b", "Running"));
        harness.Emulator.Faults.FailNext(1, 410, r => IsList(r) && r.QueryValue("continue") is not null);

        harness.Watch(limits: new WorkflowWatchLimits { PageSize = 1 });
        await harness.WatchesAsync(1);

        Assert.Equal(["a", "a", "b"], harness.Observed.All.Select(o => o.Object.Name));
        Assert.Equal([false, true, false, true], harness.Lists().Select(l => l.QueryValue("continue") is not null));
    }

    [Fact]
    public async Task ObserverFailing_EndsTheWatchOfEveryNamespaceWithItsException()
    {
        await using var harness = await StartAsync();
        await harness.CreateAsync(Workflow("in-default", ns: "default"));
        var watch = new WorkflowWatch(harness.Client, new ApiDiscovery(harness.Client),
            Microsoft.Extensions.Options.Options.Create(new KubernetesOptions { AllowedNamespaces = ["default"] }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<WorkflowWatch>.Instance);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => watch.WatchAsync(new FailingObserver(), CancellationToken.None).WaitAsync(SafetyNet));

        Assert.Equal("the repository grain could not write", failure.Message);
    }

    private sealed class FailingObserver : Grains.Reporting.IWorkflowObserver
    {
        public Task ObserveAsync(WorkflowObservation observation, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the repository grain could not write");
    }

    private static string Event(string type, JsonObject obj) => new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString();
}
