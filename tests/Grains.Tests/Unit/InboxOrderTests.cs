using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Tests.Cluster;
using static K8sWebhookHandler.Grains.Tests.Unit.InboxHarness;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Which delivery runs next: arrival order per ref, retries holding up only their ref, and deletion twins.</summary>
public sealed class InboxOrderTests
{
    private static readonly DeliveryOptions MinuteRetries = new() { RetryDelay = TimeSpan.FromMinutes(1), MaxRetryDelay = TimeSpan.FromMinutes(10) };

    [Fact]
    public void EmptyInbox_HasNothingReady_AndNothingToWaitFor()
    {
        Assert.Equal((null, null), new InboxHarness().Inbox.NextReady());
    }

    [Fact]
    public void DeliveriesOfOneRef_RunInArrivalOrder()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a", after: 1));
        inbox.Receive(Push("b", after: 2, before: 1));
        inbox.Receive(Push("c", "dev"));

        var order = new List<string>();
        while (inbox.Inbox.NextReady().Next is { } next)
        {
            order.Add(next.Event.Delivery.Value);
            inbox.Inbox.Finish(next, Applied(next.Event.Revision));
        }

        Assert.Equal(["a", "b", "c"], order);
    }

    [Fact]
    public void DeliveryWaitingForARetry_HoldsUpOnlyItsOwnRef()
    {
        var inbox = new InboxHarness(MinuteRetries);
        inbox.Receive(Push("a", after: 1));
        inbox.Receive(Push("b", after: 2, before: 1));
        inbox.Receive(Push("c", "dev"));

        Assert.Null(inbox.RunNext(ProcessingResult.Retry("git is down")));

        Assert.Equal("c", inbox.Next().Event.Delivery.Value);
        inbox.RunNext(Applied(TestEvents.Sha(1)));
        Assert.Equal((null, TimeSpan.FromMinutes(1)), inbox.Inbox.NextReady());
        inbox.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(("a", 1), (inbox.Next().Event.Delivery.Value, inbox.Next().Attempts));
    }

    [Fact]
    public void NothingReady_WaitIsUntilTheSoonestRetry()
    {
        var inbox = new InboxHarness(MinuteRetries);
        inbox.Receive(Push("a"));
        inbox.RunNext(ProcessingResult.Retry("git is down"));
        inbox.Clock.Advance(TimeSpan.FromMinutes(1));
        inbox.RunNext(ProcessingResult.Retry("git is down"));
        inbox.Receive(Push("b", "dev"));
        inbox.RunNext(ProcessingResult.Retry("git is down"));

        Assert.Equal((null, TimeSpan.FromMinutes(1)), inbox.Inbox.NextReady());
        Assert.Equal([Start.AddMinutes(3), Start.AddMinutes(2)], inbox.State.Inbox.Select(p => p.NotBefore));
    }

    [Fact]
    public void NewDeliveryOfARef_MakesItsWaitingDeliveryEligibleNow_OtherRefsDoNot()
    {
        var inbox = new InboxHarness(MinuteRetries);
        inbox.Receive(Push("a", after: 1));
        inbox.RunNext(ProcessingResult.Retry("git is down"));
        inbox.Clock.Advance(TimeSpan.FromSeconds(10));

        inbox.Receive(Push("x", "dev"));
        Assert.Equal(Start.AddMinutes(1), inbox.State.Inbox[0].NotBefore);
        inbox.RunNext(Applied(TestEvents.Sha(1)));

        inbox.Receive(Push("b", after: 2, before: 1));
        var next = inbox.Next();
        Assert.Equal(("a", 1, Start.AddSeconds(10), "git is down"), (next.Event.Delivery.Value, next.Attempts, next.NotBefore, next.LastError));
        Assert.Equal(["b"], inbox.Inbox.WaitingBehind(next).Select(e => e.Delivery.Value));
    }

    [Fact]
    public void WaitingBehind_ListsLaterDeliveriesInArrivalOrder_LeavingOutDeletionTwins()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a", after: 1));
        inbox.Receive(Delete("b"));
        inbox.Receive(DeletingPush("c"));
        inbox.Receive(Push("d", "dev"));

        var waiting = inbox.Inbox.WaitingBehind(inbox.Next());

        Assert.Equal(["b", "d"], waiting.Select(e => e.Delivery.Value));
    }

    [Fact]
    public void DeletionComingTwice_TheSecondIsTheFirstsTwin_AndIsSettledAsSuperseded()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Delete("a"));
        inbox.Receive(DeletingPush("b"));

        Assert.Equal([null, "a"], inbox.State.Inbox.Select(p => p.TwinOf?.Value));
        Assert.Null(inbox.Inbox.SettledDeletion(inbox.State.Inbox[0]));
        Assert.Equal((DeliveryState.Superseded, "the deletion of refs/heads/main was handled by delivery a"),
            Outcome(inbox.Inbox.SettledDeletion(inbox.State.Inbox[1])));
        Assert.Empty(inbox.State.UnpairedDeletions);
    }

    [Fact]
    public void PushRecreatingTheBranchBetweenDeletionTwins_IsNotSettled()
    {
        var inbox = new InboxHarness();
        inbox.Receive(DeletingPush("a"));
        inbox.Receive(Push("b", after: 2));
        inbox.Receive(Delete("c"));

        Assert.Equal([null, null, "a"], inbox.State.Inbox.Select(p => p.TwinOf?.Value));
        Assert.Null(inbox.Inbox.SettledDeletion(inbox.State.Inbox[1]));
    }

    [Fact]
    public void DeletionTwinArrivingPastTheRetention_IsNotPaired()
    {
        var inbox = new InboxHarness(new DeliveryOptions { DeliveryRetention = TimeSpan.FromHours(1) });
        inbox.Receive(Delete("a"));
        inbox.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromTicks(1));

        inbox.Receive(DeletingPush("b"));

        Assert.Equal([null, null], inbox.State.Inbox.Select(p => p.TwinOf?.Value));
        Assert.Equal("b", inbox.State.UnpairedDeletions[GitRef.Branch("main")].Delivery.Value);
    }

    [Fact]
    public void DeletionOfARefDeletedAlready_IsSettledAsSupersededByTheOneThatActed()
    {
        var inbox = new InboxHarness(new DeliveryOptions { DeliveryRetention = TimeSpan.FromHours(1) });
        inbox.Receive(Delete("a"));
        inbox.RunNext(ProcessingResult.Final(DeliveryState.Ignored, "nothing to stop"));
        inbox.Clock.Advance(TimeSpan.FromHours(2));
        inbox.Receive(DeletingPush("b"));

        Assert.Equal((DeliveryState.Superseded, "the deletion of refs/heads/main was handled by delivery a"),
            Outcome(inbox.Inbox.SettledDeletion(inbox.Next())));
    }

    [Fact]
    public void OperatorRerunOfADeletionTwin_IsNotSettled()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Delete("a"));
        inbox.Receive(DeletingPush("b"));
        var twin = inbox.State.Inbox[1];

        Assert.Null(inbox.Inbox.SettledDeletion(twin with { Event = twin.Event with { Rerun = 1 } }));
    }

    private static (DeliveryState, string?)? Outcome(ProcessingResult? result) => result is null ? null : (result.State, result.Reason);
}
