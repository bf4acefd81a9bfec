using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Testing.Kubernetes;
using static K8sWebhookHandler.Grains.Tests.Integration.WorkflowWatchHarness;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>The watch on the handler's Workflows against the emulator: list, watch, resume, relist, skip, cancel.</summary>
public sealed class WorkflowWatchTests
{
    [Fact]
    public async Task ExistingWorkflows_AreListedInPagesBeforeTheWatchStartsFromTheListsVersion()
    {
        await using var harness = await StartAsync();
        var a = await harness.CreateAsync(Workflow("a"));
        await harness.CreateAsync(Workflow("b", "Succeeded"));
        await harness.CreateAsync(Workflow("c", "Running"));
        var failed = await harness.SetPhaseAsync("c", "Failed", "step build failed");

        harness.Watch(limits: new WorkflowWatchLimits { PageSize = 2 });
        await harness.WatchesAsync(1);

        Assert.Equal(
            [
                new WorkflowObservation(RepositoryKey.Parse("octo/hello"), new AppliedObject("argoproj.io/v1alpha1", "Workflow", "ci", "a"), WorkflowPhase.Pending, null, a),
            ],
            harness.Observed.All.Take(1));
        Assert.Equal([WorkflowPhase.Pending, WorkflowPhase.Succeeded, WorkflowPhase.Failed], harness.Observed.All.Select(o => o.Phase));
        Assert.Equal("step build failed", harness.Observed.All[2].Message);
        var lists = harness.Lists();
        Assert.Equal(["2", "2"], lists.Select(l => l.QueryValue("limit")));
        Assert.Equal([false, true], lists.Select(l => l.QueryValue("continue") is not null));
        Assert.All(lists, l => Assert.Equal(HandlerLabels.ManagedSelector, l.QueryValue("labelSelector")));
        var watch = harness.Watches().Single();
        Assert.Equal((failed, failed), (harness.Observed.All[2].ResourceVersion, watch.QueryValue("resourceVersion")));
        Assert.Equal(("true", "300", HandlerLabels.ManagedSelector), (watch.QueryValue("allowWatchBookmarks"), watch.QueryValue("timeoutSeconds"), watch.QueryValue("labelSelector")));
    }

    [Fact]
    public async Task PhaseChangesMadeWithKubectl_ArriveInOrder()
    {
        await using var harness = await StartAsync();
        var kubectl = new Kubectl(harness.Kubeconfig);
        harness.Watch();
        await harness.WatchesAsync(1);

        await harness.CreateAsync(Workflow("build"));
        await kubectl.RunCheckedAsync("patch", "workflow", "build", "-n", "ci", "--type", "merge", "-p", """{"status":{"phase":"Running"}}""");
        await kubectl.RunCheckedAsync("patch", "workflow", "build", "-n", "ci", "--type", "merge", "-p", """{"status":{"phase":"Failed","message":"exit code 1"}}""");
        await harness.Observed.SeenAsync("build", WorkflowPhase.Failed);

        Assert.Equal([WorkflowPhase.Pending, WorkflowPhase.Running, WorkflowPhase.Failed], harness.Observed.PhasesOf("build"));
        Assert.Equal([null, null, "exit code 1"], harness.Observed.All.Select(o => o.Message));
        Assert.Single(harness.Lists());
    }

    [Fact]
    public async Task WorkflowsNotTheHandlersOrWithAHostileRepositoryOrPhase_AreSkipped()
    {
        await using var harness = await StartAsync();
        await harness.CreateAsync(Workflow("foreign", managed: false));
        await harness.CreateAsync(Workflow("no-repository", repository: null));
        await harness.CreateAsync(Workflow("bad-repository", repository: "../../etc"));
        await harness.CreateAsync(Workflow("strange-phase", phase: "Exploded"));
        await harness.CreateAsync(Workflow("listed"));
        harness.Watch();
        await harness.WatchesAsync(1);

        await harness.CreateAsync(Workflow("foreign-later", managed: false));
        await harness.CreateAsync(Workflow("bad-later", repository: "octo"));
        await harness.SetPhaseAsync("listed", "Bogus");
        await harness.CreateAsync(Workflow("watched"));
        await harness.Observed.SeenAsync("watched", WorkflowPhase.Pending);

        Assert.Equal(["listed", "watched"], harness.Observed.All.Select(o => o.Object.Name));
    }

    [Fact]
    public async Task DroppedConnection_ResumesFromTheLastVersionSeenWithoutRelistingOrMissingAChange()
    {
        await using var harness = await StartAsync();
        harness.Watch();
        await harness.WatchesAsync(1);
        var created = await harness.CreateAsync(Workflow("build"));
        await harness.Observed.SeenAsync("build", WorkflowPhase.Pending);

        // The reconnect is held until the change below has been made, so it happens while no watch is open.
        var release = new TaskCompletionSource();
        harness.Emulator.Faults.HoldNext(1, release.Task, IsWatch);
        Assert.Equal(1, harness.Emulator.DropWatches());
        await harness.WatchesAsync(2);
        await harness.SetPhaseAsync("build", "Running");
        release.SetResult();
        await harness.Observed.SeenAsync("build", WorkflowPhase.Running);

        Assert.Equal([WorkflowPhase.Pending, WorkflowPhase.Running], harness.Observed.PhasesOf("build"));
        Assert.Single(harness.Lists());
        Assert.Equal(created, harness.Watches()[1].QueryValue("resourceVersion"));
    }

    [Fact]
    public async Task VersionOlderThanTheServersHistory_RelistsAndMissesNothing()
    {
        await using var harness = await StartAsync(historyCapacity: 3);
        harness.Watch();
        await harness.WatchesAsync(1);
        await harness.CreateAsync(Workflow("a"));
        await harness.Observed.SeenAsync("a", WorkflowPhase.Pending);

        var release = new TaskCompletionSource();
        harness.Emulator.Faults.HoldNext(1, release.Task, IsWatch);
        harness.Emulator.DropWatches();
        await harness.WatchesAsync(2);
        await harness.SetPhaseAsync("a", "Running");
        await harness.CreateAsync(Workflow("b"));
        await harness.SetPhaseAsync("b", "Running");
        await harness.SetPhaseAsync("a", "Succeeded");
        await harness.CreateAsync(Workflow("c", "Error"));
        release.SetResult();
        await harness.Observed.WaitUntilAsync(all => all.Count == 4);
        await harness.WatchesAsync(3);

        Assert.Equal([WorkflowPhase.Pending, WorkflowPhase.Succeeded], harness.Observed.PhasesOf("a"));
        Assert.Equal([WorkflowPhase.Running], harness.Observed.PhasesOf("b"));
        Assert.Equal([WorkflowPhase.Error], harness.Observed.PhasesOf("c"));
        Assert.Equal(2, harness.Lists().Count);
        Assert.Equal(harness.Observed.All[^1].ResourceVersion, harness.Watches()[2].QueryValue("resourceVersion"));
    }

    [Fact]
    public async Task GoneAnswerToTheWatch_Relists()
    {
        await using var harness = await StartAsync();
        await harness.CreateAsync(Workflow("a", "Running"));
        harness.Emulator.Faults.FailNext(1, 410, IsWatch);
        harness.Watch();
        await harness.WatchesAsync(2);

        Assert.Equal([WorkflowPhase.Running, WorkflowPhase.Running], harness.Observed.PhasesOf("a"));
        Assert.Equal(2, harness.Lists().Count);
        Assert.Same(harness.Watches()[0], await harness.Emulator.Requests.WaitForAsync(r => IsWatch(r) && r.StatusCode == 410, SafetyNet));
    }

    [Fact]
    public async Task Cancellation_EndsTheWatchWithoutAFailure()
    {
        await using var harness = await StartAsync();
        harness.Watch();
        await harness.WatchesAsync(1);

        await harness.StopAsync();

        Assert.True(harness.Watching.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ApiServerUnavailable_IsTransient()
    {
        await using var harness = await StartAsync();
        harness.Emulator.Faults.FailNext(1, 503, IsList);

        harness.Watch();

        var failure = await Assert.ThrowsAsync<Failures.TransientException>(() => harness.Watching.WaitAsync(SafetyNet));

        Assert.Contains("503", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForbiddenList_IsTransientAndNamesTheResource()
    {
        await using var harness = await StartAsync();
        harness.Emulator.Faults.FailNext(1, 403, IsList);
        harness.Watch();

        var failure = await Assert.ThrowsAsync<Failures.TransientException>(() => harness.Watching.WaitAsync(SafetyNet));

        Assert.StartsWith("watching workflows.argoproj.io in ci: 403 ", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamsThatEndAtOnceWithoutEvents_GiveUpAsTransientInsteadOfLooping()
    {
        await using var harness = await StartAsync();
        harness.Emulator.Faults.AnswerNext(5, 200, "", "application/json", IsWatch);
        harness.Watch(limits: new WorkflowWatchLimits { EmptyStreamsBeforeFailure = 3 });

        var failure = await Assert.ThrowsAsync<Failures.TransientException>(() => harness.Watching.WaitAsync(SafetyNet));

        Assert.Contains("ended 3 times in a row at once", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, harness.Watches().Count);
    }
}
