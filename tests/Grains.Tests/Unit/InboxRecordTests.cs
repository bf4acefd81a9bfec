using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Tests.Cluster;
using static K8sWebhookHandler.Grains.Tests.Unit.InboxHarness;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>What a finished delivery leaves behind: its record within the history limit, and the ref's tip.</summary>
public sealed class InboxRecordTests
{
    private static readonly DeliveryOptions FailFast = new() { MaxAttempts = 1, HistoryLimit = 3 };

    [Fact]
    public void HistoryOverTheLimit_DropsTheOldestFinishedRecord_FailedOnesLast()
    {
        var inbox = new InboxHarness(FailFast);
        inbox.Receive(Push("a", "one"));
        inbox.RunNext(ProcessingResult.Retry("git is down"));
        inbox.Receive(Push("b", "two"));
        inbox.RunNext(Applied(TestEvents.Sha(1)));
        inbox.Receive(Push("c", "three"));
        inbox.RunNext(Applied(TestEvents.Sha(1)));

        inbox.Receive(Push("d", "four"));
        Assert.Equal(["a", "c", "d"], inbox.History);
        inbox.Receive(Push("e", "five"));
        Assert.Equal(["a", "d", "e"], inbox.History);
        inbox.Receive(Push("f", "six"));
        Assert.Equal(["d", "e", "f"], inbox.History);
    }

    [Fact]
    public void HistoryOfPendingDeliveriesOnly_GrowsPastTheLimit()
    {
        var inbox = new InboxHarness(FailFast);
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            inbox.Receive(Push(id, id));
        }

        Assert.Equal(["a", "b", "c", "d", "e"], inbox.History);
    }

    [Fact]
    public void AppliedPush_MovesItsRefsTipToItsRevision()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a", after: 7));
        inbox.Clock.Advance(TimeSpan.FromSeconds(5));

        var record = inbox.RunNext(Applied(TestEvents.Sha(7), Job("build-1")));

        Assert.Equal(new RefRecord(GitRef.Branch("main"), TestEvents.Sha(7), Id("a"), record!.Objects, Start.AddSeconds(5)), inbox.Inbox.LastApplied(GitRef.Branch("main")));
        Assert.Equal((DeliveryState.Applied, 1, (DateTimeOffset?)Start.AddSeconds(5), Job("build-1")), (record.State, record.Attempts, record.CompletedAt, Assert.Single(record.Objects)));
    }

    [Fact]
    public void PushWithoutAManifest_MovesTheTipWithNoObjects()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a", after: 7));

        inbox.RunNext(ProcessingResult.Final(DeliveryState.NoManifest, "no .ci/workflow.yaml", TestEvents.Sha(7)));

        Assert.Equal((TestEvents.Sha(7), 0), (inbox.Inbox.LastApplied(GitRef.Branch("main"))?.LastRevision, inbox.Inbox.LastApplied(GitRef.Branch("main"))?.Objects.Count));
    }

    [Theory]
    [InlineData(DeliveryState.Rejected)]
    [InlineData(DeliveryState.Superseded)]
    [InlineData(DeliveryState.Stale)]
    [InlineData(DeliveryState.Ignored)]
    public void PushEndingOtherwise_LeavesTheTip(DeliveryState state)
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a", after: 7));

        var record = inbox.RunNext(ProcessingResult.Final(state, "why"));

        Assert.Equal((state, "why"), (record?.State, record?.Reason));
        Assert.Null(inbox.Inbox.LastApplied(GitRef.Branch("main")));
    }

    [Fact]
    public void PushFailedForGood_LeavesTheTip()
    {
        var inbox = new InboxHarness(FailFast);
        inbox.Receive(Push("a", after: 7));

        inbox.RunNext(ProcessingResult.Retry("git is down"));

        Assert.Null(inbox.Inbox.LastApplied(GitRef.Branch("main")));
    }

    [Fact]
    public void AppliedCheckEvent_LeavesTheTipWhereItWas()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a", after: 2));
        inbox.RunNext(Applied(TestEvents.Sha(2)));
        inbox.Receive(CheckSuite("b", head: 1));

        inbox.RunNext(Applied(TestEvents.Sha(1)));

        Assert.Equal((TestEvents.Sha(2), Id("a")), (inbox.Inbox.LastApplied(GitRef.Branch("main"))?.LastRevision, inbox.Inbox.LastApplied(GitRef.Branch("main"))?.LastDelivery));
    }

    [Fact]
    public void OperatorRerunOfAnOldPush_LeavesTheTipWhereItWas()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a", after: 1));
        inbox.RunNext(Applied(TestEvents.Sha(1)));
        inbox.Receive(Push("b", after: 2, before: 1));
        inbox.RunNext(Applied(TestEvents.Sha(2)));

        inbox.Inbox.Requeue(inbox.Inbox.PlanRetry(Id("a")).Again!, "retried by an operator");
        inbox.RunNext(Applied(TestEvents.Sha(1)));

        Assert.Equal((TestEvents.Sha(2), Id("b")), (inbox.Inbox.LastApplied(GitRef.Branch("main"))?.LastRevision, inbox.Inbox.LastApplied(GitRef.Branch("main"))?.LastDelivery));
    }

    [Theory]
    [InlineData(DeliveryState.Applied)]
    [InlineData(DeliveryState.Ignored)]
    public void DeletionDone_MovesTheTipToZeros(DeliveryState state)
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a", after: 1));
        inbox.RunNext(Applied(TestEvents.Sha(1)));
        inbox.Receive(Delete("b"));

        inbox.RunNext(ProcessingResult.Final(state, null));

        Assert.Equal((WebhookEvent.ZeroRevision, Id("b")), (inbox.Inbox.LastApplied(GitRef.Branch("main"))?.LastRevision, inbox.Inbox.LastApplied(GitRef.Branch("main"))?.LastDelivery));
    }

    [Fact]
    public void RefsOverTheLimit_DeletedRefsGoFirst_ThenTheLeastRecentlyUpdated()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxRefs = 2 });
        foreach (var e in new[] { Push("a", "one"), Push("b", "two"), Delete("c", "two"), Push("d", "three") })
        {
            Apply(inbox, e);
            inbox.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(["refs/heads/one", "refs/heads/three"], inbox.State.Refs.Keys.Select(k => k.Value).Order());
        Apply(inbox, Push("e", "four"));
        Assert.Equal(["refs/heads/four", "refs/heads/three"], inbox.State.Refs.Keys.Select(k => k.Value).Order());
    }

    [Fact]
    public void DeletedRef_IsRememberedForTheRetention_ThenForgottenOnTheNextUpdate()
    {
        var inbox = new InboxHarness(new DeliveryOptions { DeliveryRetention = TimeSpan.FromHours(1) });
        Apply(inbox, Delete("a", "gone"));
        inbox.Clock.Advance(TimeSpan.FromHours(1));
        Apply(inbox, Push("b", "main"));
        Assert.Equal(["refs/heads/gone", "refs/heads/main"], inbox.State.Refs.Keys.Select(k => k.Value).Order());

        inbox.Clock.Advance(TimeSpan.FromTicks(1));
        Apply(inbox, Push("c", "main", after: 2, before: 1));
        Assert.Equal(["refs/heads/main"], inbox.State.Refs.Keys.Select(k => k.Value));
    }

    [Fact]
    public void Snapshot_ListsDeliveriesNewestFirst_AndRefsByName()
    {
        var inbox = new InboxHarness();
        Apply(inbox, Push("a", "zeta"));
        Apply(inbox, Push("b", "alpha"));
        inbox.Receive(Push("c", "zeta", after: 2, before: 1));

        var snapshot = inbox.Inbox.Snapshot(RepositoryKey.Parse("owner/repo"));

        Assert.Equal((RepositoryKey.Parse("owner/repo"), 1), (snapshot.Repository, snapshot.Pending));
        Assert.Equal(["c", "b", "a"], snapshot.Deliveries.Select(d => d.Delivery.Value));
        Assert.Equal(["refs/heads/alpha", "refs/heads/zeta"], snapshot.Refs.Select(r => r.Ref.Value));
    }

    private static void Apply(InboxHarness inbox, WebhookEvent e)
    {
        inbox.Receive(e);
        inbox.RunNext(Applied(e.Revision));
    }
}
