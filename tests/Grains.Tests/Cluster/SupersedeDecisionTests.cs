using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>
/// The decision table, in the grain and without Kubernetes: new, descendant, ancestor, unrelated or forced,
/// tag, deletion, and coalescing of waiting pushes. The commit graph is scripted.
/// </summary>
public sealed class SupersedeDecisionTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static string C(string name) => (name + new string('0', 40))[..40];

    private IRepositoryGrain Grain(string repository) => fixture.Grains.GetGrain<IRepositoryGrain>(repository);

    private async Task<DeliveryRecord> RunAsync(string repository, WebhookEvent e)
    {
        Assert.Equal(DeliveryStatus.Queued, await Grain(repository).Enqueue(e));
        return await fixture.OutcomeAsync(repository, e);
    }

    private static WebhookEvent Push(string repository, string before, string after, string branch = "main", bool forced = false) =>
        TestEvents.Push(repository, branch, after: after, before: before) with { Forced = forced };

    [Fact]
    public async Task NewBranch_Descendant_AndChainedPush_AreApplied()
    {
        var repository = TestEvents.NewRepository();
        fixture.Graph.Chain(C("a1"), C("a2"), C("a3"), C("a4"));

        var first = await RunAsync(repository, Push(repository, WebhookEvent.ZeroRevision, C("a1")));
        var chained = await RunAsync(repository, Push(repository, C("a1"), C("a2")));
        var descendant = await RunAsync(repository, Push(repository, C("zz"), C("a4")));

        Assert.Equal(DeliveryState.Applied, first.State);
        Assert.Equal(DeliveryState.Applied, chained.State);
        Assert.Equal(DeliveryState.Applied, descendant.State);
    }

    [Fact]
    public async Task SameOrAncestorRevision_IsStale_AndNotProcessed()
    {
        var repository = TestEvents.NewRepository();
        fixture.Graph.Chain(C("b1"), C("b2"), C("b3"));
        await RunAsync(repository, Push(repository, C("b1"), C("b3")));

        // The same revision again by another push (the same push again is a replay, answered duplicate at intake).
        var again = await RunAsync(repository, Push(repository, C("b2"), C("b3")));
        var older = await RunAsync(repository, Push(repository, C("b1"), C("b2")));

        Assert.Equal(DeliveryState.Stale, again.State);
        Assert.Contains("already applied", again.Reason);
        Assert.Equal(DeliveryState.Stale, older.State);
        Assert.Contains("is an ancestor of the applied", older.Reason);
        Assert.DoesNotContain(fixture.Processor.Calls, c => c.Delivery == older.Delivery || c.Delivery == again.Delivery);
        Assert.Equal(C("b3"), (await Grain(repository).Inspect()).Refs.Single().LastRevision);
    }

    [Fact]
    public async Task ForcePush_FromWhatWasApplied_IsNewer_EvenThoughUnrelated()
    {
        var repository = TestEvents.NewRepository();
        fixture.Graph.Chain(C("c1"), C("c2"));
        fixture.Graph.Chain(C("c1"), C("x2"));
        await RunAsync(repository, Push(repository, C("c1"), C("c2")));

        var forced = await RunAsync(repository, Push(repository, C("c2"), C("x2"), forced: true));

        Assert.Equal(DeliveryState.Applied, forced.State);
    }

    [Fact]
    public async Task UnrelatedPush_IsNewerOnlyIfItIsTheBranchHead()
    {
        var repository = TestEvents.NewRepository();
        await RunAsync(repository, Push(repository, C("d0"), C("d1")));
        fixture.Graph.Head(repository, "refs/heads/main", C("y1"));

        var notHead = await RunAsync(repository, Push(repository, C("qq"), C("x1"), forced: true));
        var head = await RunAsync(repository, Push(repository, C("qq"), C("y1"), forced: true));

        Assert.Equal(DeliveryState.Stale, notHead.State);
        Assert.Contains("not the tip of refs/heads/main", notHead.Reason);
        Assert.Equal(DeliveryState.Applied, head.State);
    }

    [Fact]
    public async Task WaitingPushes_AreCoalesced_IntoTheNewest()
    {
        var repository = TestEvents.NewRepository();
        var commits = Enumerable.Range(0, 6).Select(i => C($"e{i}")).ToArray();
        fixture.Graph.Chain(commits);
        var pushes = Enumerable.Range(1, 5).Select(i => Push(repository, commits[i - 1], commits[i])).ToList();
        fixture.Processor.Hold(pushes[0].Delivery.Value);

        // The rest arrive while the first is being processed: they wait together, and only they are coalesced.
        Assert.Equal(DeliveryStatus.Queued, await Grain(repository).Enqueue(pushes[0]));
        await fixture.StartedAsync(pushes[0]);
        foreach (var push in pushes.Skip(1))
        {
            Assert.Equal(DeliveryStatus.Queued, await Grain(repository).Enqueue(push));
        }

        fixture.Processor.Release(pushes[0].Delivery.Value);
        var outcomes = new List<DeliveryRecord>();
        foreach (var push in pushes)
        {
            outcomes.Add(await fixture.OutcomeAsync(repository, push));
        }

        Assert.Equal(
            [DeliveryState.Applied, DeliveryState.Superseded, DeliveryState.Superseded, DeliveryState.Superseded, DeliveryState.Applied],
            outcomes.Select(o => o.State));
        Assert.Equal($"superseded by {commits[3]} (delivery {pushes[2].Delivery})", outcomes[1].Reason);
        Assert.Equal(2, fixture.Processor.Calls.Count(c => c.Repository.FullName == repository));
    }

    [Fact]
    public async Task WaitingPullRequestPushes_AreCoalesced_AndAWaitingCloseSupersedesThePushBeforeIt()
    {
        var repository = TestEvents.NewRepository();
        var heads = Enumerable.Range(0, 3).Select(i => C($"g{i}")).ToArray();
        fixture.Graph.Chain(heads);
        var deliveries = new List<WebhookEvent> { TestEvents.PullRequest(repository, 7, "opened", heads[0]) };
        deliveries.AddRange(heads.Skip(1).Select((head, i) => TestEvents.PullRequest(repository, 7, "synchronize", head) with { Before = heads[i] }));
        deliveries.Add(TestEvents.PullRequest(repository, 7, "closed", heads[^1]));
        fixture.Processor.Hold(deliveries[0].Delivery.Value);

        Assert.Equal(DeliveryStatus.Queued, await Grain(repository).Enqueue(deliveries[0]));
        await fixture.StartedAsync(deliveries[0]);
        foreach (var later in deliveries.Skip(1))
        {
            Assert.Equal(DeliveryStatus.Queued, await Grain(repository).Enqueue(later));
        }

        fixture.Processor.Release(deliveries[0].Delivery.Value);
        var outcomes = new List<DeliveryRecord>();
        foreach (var delivery in deliveries)
        {
            outcomes.Add(await fixture.OutcomeAsync(repository, delivery));
        }

        Assert.Equal([DeliveryState.Applied, DeliveryState.Superseded, DeliveryState.Superseded, DeliveryState.Applied], outcomes.Select(o => o.State));
        Assert.Equal($"superseded by {heads[2]} (delivery {deliveries[2].Delivery})", outcomes[1].Reason);
        Assert.Equal($"the pull request was closed (delivery {deliveries[3].Delivery})", outcomes[2].Reason);
    }

    [Fact]
    public async Task WaitingPushesDeliveredNewestFirst_OnlyTheNewestIsApplied()
    {
        var repository = TestEvents.NewRepository();
        fixture.Graph.Chain(C("f0"), C("f1"), C("f2"), C("f3"));
        var newest = Push(repository, C("f2"), C("f3"));
        var middle = Push(repository, C("f1"), C("f2"));
        var oldest = Push(repository, C("f0"), C("f1"));

        var outcomes = new[] { await RunAsync(repository, newest), await RunAsync(repository, middle), await RunAsync(repository, oldest) };

        Assert.Equal([DeliveryState.Applied, DeliveryState.Stale, DeliveryState.Stale], outcomes.Select(o => o.State));
    }

    [Fact]
    public async Task TagPushes_AreNeverSuperseded_EachIsItsOwnRun()
    {
        var repository = TestEvents.NewRepository();
        var blocker = TestEvents.Push(repository, "other", after: C("g0"));
        var first = TestEvents.Push(repository, "refs/tags/v1", after: C("g1"));
        var second = TestEvents.Push(repository, "refs/tags/v1", after: C("g2"), before: C("g1"));
        fixture.Processor.Hold(blocker.Delivery.Value);

        // Both tag pushes wait together behind the blocker, as pushes of a branch would be coalesced.
        await Grain(repository).Enqueue(blocker);
        await fixture.StartedAsync(blocker);
        await Grain(repository).Enqueue(first);
        await Grain(repository).Enqueue(second);
        fixture.Processor.Release(blocker.Delivery.Value);

        Assert.Equal(DeliveryState.Applied, (await fixture.OutcomeAsync(repository, first)).State);
        Assert.Equal(DeliveryState.Applied, (await fixture.OutcomeAsync(repository, second)).State);
        Assert.Equal([first.Delivery, second.Delivery], fixture.Processor.Calls.Where(c => c.Repository.FullName == repository && c.Ref.IsTag).Select(c => c.Delivery));
    }

    [Fact]
    public async Task WaitingPush_IsSupersededByALaterDeletionOfItsBranch_WhichRunsOnce()
    {
        var repository = TestEvents.NewRepository();
        var blocker = TestEvents.Push(repository, "other", after: C("h0"));
        var push = Push(repository, C("h1"), C("h2"), "feature");
        var delete = TestEvents.Push(repository, "feature", after: "", eventType: "delete");
        var deletedPush = Push(repository, C("h2"), WebhookEvent.ZeroRevision, "feature") with { Deleted = true };
        fixture.Processor.Hold(blocker.Delivery.Value);

        await Grain(repository).Enqueue(blocker);
        await fixture.StartedAsync(blocker);
        foreach (var e in new[] { push, delete, deletedPush })
        {
            await Grain(repository).Enqueue(e);
        }

        fixture.Processor.Release(blocker.Delivery.Value);

        Assert.Equal(DeliveryState.Superseded, (await fixture.OutcomeAsync(repository, push)).State);
        Assert.Equal(DeliveryState.Applied, (await fixture.OutcomeAsync(repository, delete)).State);
        Assert.Equal(DeliveryState.Superseded, (await fixture.OutcomeAsync(repository, deletedPush)).State);
        Assert.Single(fixture.Processor.Calls, c => c.Repository.FullName == repository && c.IsDeletion);
    }

    [Fact]
    public async Task CheckSuiteOnAnOldCommit_RunsButDoesNotRewindTheBranch()
    {
        var repository = TestEvents.NewRepository();
        fixture.Graph.Chain(C("k1"), C("k2"));
        await RunAsync(repository, Push(repository, C("k1"), C("k2")));

        var rerun = await RunAsync(repository, TestEvents.Push(repository, after: C("k1"), eventType: "check_suite", action: "rerequested"));

        Assert.Equal(DeliveryState.Applied, rerun.State);
        Assert.Equal(C("k2"), (await Grain(repository).Inspect()).Refs.Single().LastRevision);
    }
}
