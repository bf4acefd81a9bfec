using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Tests.Cluster;
using static K8sWebhookHandler.Grains.Tests.Unit.InboxHarness;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>What the inbox takes on arrival: dedupe within the retention, the remembered-id limit, redeliveries, replays, ignored events.</summary>
public sealed class InboxAcceptTests
{
    [Fact]
    public void NewDelivery_IsQueuedAndRecordedAsQueued()
    {
        var inbox = new InboxHarness();

        var push = Push("a");

        var arrival = inbox.Receive(push);

        Assert.Equal((ArrivalKind.New, DeliveryStatus.Queued, Start), (arrival.Kind, arrival.Status, arrival.At));
        Assert.Equal(new PendingDelivery(push, 0, Start, null, Start), Assert.Single(inbox.State.Inbox));
        Assert.Equal((DeliveryState.Queued, null, 0, (DateTimeOffset?)null), (inbox.Record("a").State, inbox.Record("a").Reason, inbox.Record("a").Attempts, inbox.Record("a").CompletedAt));
        Assert.Equal(Start, inbox.State.Seen[Id("a")]);
        Assert.Equal("owner/repo", inbox.State.Repository?.FullName);
    }

    [Fact]
    public void IdSeenExactlyTheRetentionAgo_IsStillADuplicate_ATickLaterItIsNew()
    {
        var inbox = new InboxHarness(new DeliveryOptions { DeliveryRetention = TimeSpan.FromHours(1) });
        inbox.Receive(CheckSuite("a"));

        inbox.Clock.Advance(TimeSpan.FromHours(1));
        var remembered = inbox.Inbox.Examine(CheckSuite("a"));
        inbox.Clock.Advance(TimeSpan.FromTicks(1));
        var forgotten = inbox.Inbox.Examine(CheckSuite("a"));

        Assert.Equal((ArrivalKind.Duplicate, DeliveryStatus.Duplicate), (remembered.Kind, remembered.Status));
        Assert.Equal((ArrivalKind.New, DeliveryStatus.Queued), (forgotten.Kind, forgotten.Status));
    }

    [Fact]
    public void PushForgottenPastTheRetention_IsStillAReplayWhileItIsTheLastOfItsRef()
    {
        var inbox = new InboxHarness(new DeliveryOptions { DeliveryRetention = TimeSpan.FromHours(1) });
        inbox.Receive(Push("a"));

        inbox.Clock.Advance(TimeSpan.FromHours(2));
        var again = inbox.Inbox.Examine(Push("a"));

        Assert.Equal((ArrivalKind.Replay, (DeliveryId?)Id("a")), (again.Kind, again.Original));
    }

    [Fact]
    public void RememberedIdsAtTheLimit_TheOldestIsForgotten()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxRememberedDeliveries = 3 });
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            inbox.Receive(CheckSuite(id));
            inbox.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(["b", "c", "d"], inbox.State.Seen.Keys.Select(k => k.Value).Order());
        Assert.Equal(ArrivalKind.New, inbox.Inbox.Examine(CheckSuite("a")).Kind);
        Assert.Equal(ArrivalKind.Duplicate, inbox.Inbox.Examine(CheckSuite("b")).Kind);
    }

    [Fact]
    public void RememberedIdsAtALargeLimit_ASixtyFourthOfTheOldestIsForgottenAtOnce()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxRememberedDeliveries = 128 });
        foreach (var i in Enumerable.Range(0, 129))
        {
            inbox.Receive(CheckSuite($"id-{i:D3}"));
            inbox.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        // At 128 the two oldest went before id-128 came; the next 1 fits again without a pass over the rest.
        Assert.Equal(Enumerable.Range(2, 127).Select(i => $"id-{i:D3}"), inbox.State.Seen.Keys.Select(k => k.Value).Order());
        Assert.Equal(ArrivalKind.New, inbox.Inbox.Examine(CheckSuite("id-001")).Kind);
        Assert.Equal(ArrivalKind.Duplicate, inbox.Inbox.Examine(CheckSuite("id-002")).Kind);
    }

    [Fact]
    public void RememberedIdsSeenAtOneInstant_TheGreatestNamesAreForgottenFirst_WhateverTheirOrderOfArrival()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxRememberedDeliveries = 128 });
        inbox.Receive(CheckSuite("early"));
        inbox.Clock.Advance(TimeSpan.FromSeconds(1));
        foreach (var i in Enumerable.Range(0, 128).Reverse())
        {
            inbox.Receive(CheckSuite($"id-{i:D3}"));
        }

        // At 128, before id-000: two go, the one seen earlier and, of the 127 seen at one instant, the greatest name.
        Assert.Equal(["id-127", "early"], new[] { "id-126", "id-127", "early" }.Where(id => !inbox.State.Seen.ContainsKey(Id(id))));
        Assert.Equal(127, inbox.State.Seen.Count);
    }

    [Fact]
    public void RememberedIdsAtTheLimit_ExpiredOnesAreForgottenBeforeAnyWithinTheRetention()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxRememberedDeliveries = 4, DeliveryRetention = TimeSpan.FromMinutes(1) });
        inbox.Receive(CheckSuite("old"));
        inbox.Clock.Advance(TimeSpan.FromMinutes(2));
        foreach (var id in new[] { "b", "c", "d", "e" })
        {
            inbox.Receive(CheckSuite(id));
        }

        Assert.Equal(["b", "c", "d", "e"], inbox.State.Seen.Keys.Select(k => k.Value).Order());
    }

    [Fact]
    public void EveryTwoHundredFiftySixIds_ExpiredOnesAreForgottenBelowTheLimit()
    {
        var inbox = new InboxHarness(new DeliveryOptions { DeliveryRetention = TimeSpan.FromMinutes(1) });
        inbox.Receive(CheckSuite("old"));
        inbox.Clock.Advance(TimeSpan.FromMinutes(2));
        for (var i = 1; i <= 255; i++)
        {
            inbox.Receive(CheckSuite($"x{i}"));
        }

        Assert.True(inbox.State.Seen.ContainsKey(Id("old")));
        inbox.Receive(CheckSuite("x256"));

        Assert.False(inbox.State.Seen.ContainsKey(Id("old")));
        Assert.Equal(256, inbox.State.Seen.Count);
    }

    [Fact]
    public void RedeliveryOfAFailedDelivery_IsQueuedAgainUnderItsRerun()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxAttempts = 1 });
        inbox.Receive(Push("a"));
        inbox.RunNext(ProcessingResult.Retry("git is down"));
        inbox.Clock.Advance(TimeSpan.FromMinutes(1));

        var again = inbox.Receive(Push("a"));

        Assert.Equal((ArrivalKind.Redelivery, DeliveryStatus.Queued, 0), (again.Kind, again.Status, again.Event.Rerun));
        var record = inbox.Record("a");
        Assert.Equal((DeliveryState.Queued, "redelivered after it failed", 0, (DateTimeOffset?)null), (record.State, record.Reason, record.Attempts, record.CompletedAt));
        var pending = Assert.Single(inbox.State.Inbox);
        Assert.Equal((0, Start.AddMinutes(1), Start.AddMinutes(1)), (pending.Attempts, pending.NotBefore, pending.Since));
    }

    [Fact]
    public void RedeliveryOfAnAppliedDelivery_IsADuplicate()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a"));
        inbox.RunNext(Applied(TestEvents.Sha(1)));

        var again = inbox.Receive(Push("a"));

        Assert.Equal((ArrivalKind.Duplicate, DeliveryStatus.Duplicate), (again.Kind, again.Status));
        Assert.Empty(inbox.State.Inbox);
        Assert.Equal(DeliveryState.Applied, inbox.Record("a").State);
    }

    [Fact]
    public void RedeliveryOfAFailedDeliveryQueuedAgainAlready_IsADuplicate()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxAttempts = 1 });
        inbox.Receive(Push("a"));
        inbox.RunNext(ProcessingResult.Retry("git is down"));
        inbox.Receive(Push("a"));

        Assert.Equal(ArrivalKind.Duplicate, inbox.Inbox.Examine(Push("a")).Kind);
    }

    [Fact]
    public void PushRepeatedUnderANewId_IsAReplayOfTheFirst_AndChangesNothing()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a", after: 2, before: 1));

        var replay = inbox.Inbox.Examine(Push("b", after: 2, before: 1));

        Assert.Equal((ArrivalKind.Replay, DeliveryStatus.Duplicate, (DeliveryId?)Id("a")), (replay.Kind, replay.Status, replay.Original));
        Assert.Equal(["a"], inbox.History);
        Assert.False(inbox.State.Seen.ContainsKey(Id("b")));
    }

    [Fact]
    public void DeletionRepeatedUnderANewId_IsAReplay()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Delete("a"));

        Assert.Equal((ArrivalKind.Replay, (DeliveryId?)Id("a")), (inbox.Inbox.Examine(Delete("b")).Kind, inbox.Inbox.Examine(Delete("b")).Original));
    }

    [Theory]
    [InlineData(2, 3, false, "main")]
    [InlineData(1, 3, false, "main")]
    [InlineData(1, 2, false, "dev")]
    [InlineData(1, 2, true, "main")]
    public void PushMovingTheRefByOtherCommitsOrAnotherRef_IsNotAReplay(int before, int after, bool deleted, string branch)
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a", after: 2, before: 1));

        var other = inbox.Inbox.Examine(Push("b", branch, after, before, deleted));

        Assert.Equal(ArrivalKind.New, other.Kind);
    }

    [Fact]
    public void PushRepeatingOneThatFailed_IsQueued()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxAttempts = 1 });
        inbox.Receive(Push("a", after: 2, before: 1));
        inbox.RunNext(ProcessingResult.Retry("git is down"));

        Assert.Equal(ArrivalKind.New, inbox.Receive(Push("b", after: 2, before: 1)).Kind);
    }

    [Fact]
    public void CheckEventRepeatedUnderANewId_IsQueuedAgain()
    {
        var inbox = new InboxHarness();
        inbox.Receive(CheckSuite("a"));

        Assert.Equal(ArrivalKind.New, inbox.Receive(CheckSuite("b")).Kind);
        Assert.Equal(["a", "b"], inbox.State.Inbox.Select(p => p.Event.Delivery.Value));
    }

    [Fact]
    public void PushToAnIgnoredRef_IsRecordedFinalAtOnce_AndNotQueued()
    {
        var inbox = new InboxHarness(new DeliveryOptions { IgnoreRefs = "^refs/heads/dependabot/" });

        var arrival = inbox.Receive(Push("a", "dependabot/npm"));

        Assert.Equal((ArrivalKind.Ignored, DeliveryStatus.Ignored, DeliveryState.IgnoredRef), (arrival.Kind, arrival.Status, arrival.IgnoredAs));
        Assert.Empty(inbox.State.Inbox);
        var record = inbox.Record("a");
        Assert.Equal((DeliveryState.IgnoredRef, "refs/heads/dependabot/npm matches Handler:IgnoreRefs", (DateTimeOffset?)Start),
            (record.State, record.Reason, record.CompletedAt));
        Assert.Equal(ArrivalKind.Duplicate, inbox.Inbox.Examine(Push("a", "dependabot/npm")).Kind);
        Assert.Empty(inbox.State.Received);
    }

    [Fact]
    public void EventNotActedOn_IsRecordedIgnoredWithWhy()
    {
        var inbox = new InboxHarness();

        var arrival = inbox.Receive(Push("a") with { EventType = EventType.Parse("ping") });

        Assert.Equal((ArrivalKind.Ignored, DeliveryState.Ignored, "ping"), (arrival.Kind, arrival.IgnoredAs, arrival.Reason));
        Assert.Equal((DeliveryState.Ignored, "ping"), (inbox.Record("a").State, inbox.Record("a").Reason));
        Assert.Empty(inbox.State.Inbox);
    }

    [Theory]
    [InlineData(ArrivalKind.Duplicate)]
    [InlineData(ArrivalKind.Replay)]
    [InlineData(ArrivalKind.Redelivery)]
    public void AcceptingAnArrivalThatIsNeitherNewNorIgnored_ThrowsAndChangesNothing(ArrivalKind kind)
    {
        var inbox = new InboxHarness();

        Assert.Throws<ArgumentException>(() => inbox.Inbox.Accept(new Arrival(kind, Push("a"), Start)));
        Assert.Empty(inbox.State.Seen);
        Assert.Empty(inbox.State.History);
    }
}
