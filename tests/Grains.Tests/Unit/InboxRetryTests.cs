using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Tests.Cluster;
using static K8sWebhookHandler.Grains.Tests.Unit.InboxHarness;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Transient failures retried with backoff until the budget runs out, and an operator's retry.</summary>
public sealed class InboxRetryTests
{
    private static readonly DeliveryOptions Backoff = new()
    {
        RetryDelay = TimeSpan.FromSeconds(1),
        MaxRetryDelay = TimeSpan.FromSeconds(4),
        RetryFor = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public void TransientFailures_AreRetriedAtDoublingDelaysUpToTheCap_ThenFailedWhenRetryForIsSpent()
    {
        var inbox = new InboxHarness(Backoff);
        inbox.Receive(Push("a"));

        var attempts = inbox.FailUntilGivenUp("git is down");

        // Delays 1, 2, 4, 4, 4, 4 s: the next after 19 s would fall past RetryFor's 20 s.
        Assert.Equal(new[] { 0, 1, 3, 7, 11, 15, 19 }.Select(s => TimeSpan.FromSeconds(s)), attempts);
        var record = inbox.Record("a");
        Assert.Equal((DeliveryState.Failed, "git is down", 7, (DateTimeOffset?)Start.AddSeconds(19)), (record.State, record.Reason, record.Attempts, record.CompletedAt));
        Assert.Empty(inbox.State.Inbox);
    }

    [Fact]
    public void TransientFailure_WaitsInTheInboxWithItsAttemptAndError()
    {
        var inbox = new InboxHarness(Backoff);
        inbox.Receive(Push("a"));
        inbox.RunNext(ProcessingResult.Retry("first"));
        inbox.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(inbox.RunNext(ProcessingResult.Retry("second")));

        var pending = Assert.Single(inbox.State.Inbox);
        Assert.Equal((2, Start.AddSeconds(3), "second", Start), (pending.Attempts, pending.NotBefore, pending.LastError, pending.Since));
        var record = inbox.Record("a");
        Assert.Equal((DeliveryState.Queued, "second", 2, (DateTimeOffset?)null), (record.State, record.Reason, record.Attempts, record.CompletedAt));
    }

    [Fact]
    public void MaxAttemptsReached_FailsTheDeliveryAtThatAttempt()
    {
        var inbox = new InboxHarness(new DeliveryOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxAttempts = 3 });
        inbox.Receive(Push("a"));

        var attempts = inbox.FailUntilGivenUp("git is down");

        Assert.Equal(new[] { 0, 1, 3 }.Select(s => TimeSpan.FromSeconds(s)), attempts);
        Assert.Equal((DeliveryState.Failed, 3), (inbox.Record("a").State, inbox.Record("a").Attempts));
    }

    [Fact]
    public void RetryLaterWithTheBudgetSpent_ChangesNothing()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxAttempts = 1 });
        inbox.Receive(Push("a"));
        var next = inbox.Next();

        Assert.False(inbox.Inbox.RetryLater(next, "git is down"));
        Assert.Equal(next, Assert.Single(inbox.State.Inbox));
        Assert.Equal((DeliveryState.Queued, null, 0), (inbox.Record("a").State, inbox.Record("a").Reason, inbox.Record("a").Attempts));
    }

    [Fact]
    public void RedeliveredAfterFailing_GetsAFreshRetryBudgetFromItsRequeueing()
    {
        var inbox = new InboxHarness(Backoff);
        inbox.Receive(Push("a"));
        inbox.FailUntilGivenUp("git is down");
        inbox.Clock.Advance(TimeSpan.FromMinutes(1));
        inbox.Receive(Push("a"));

        var attempts = inbox.FailUntilGivenUp("still down");

        Assert.Equal(new[] { 0, 1, 3, 7, 11, 15, 19 }.Select(s => TimeSpan.FromSeconds(s)), attempts);
    }

    [Fact]
    public void OperatorRetryOfAFailedDelivery_QueuesItAgainUnderTheSameRerun()
    {
        var inbox = new InboxHarness(new DeliveryOptions { MaxAttempts = 1 });
        var push = Push("a", after: 2, before: 1);
        inbox.Receive(push);
        inbox.RunNext(ProcessingResult.Retry("git is down"));

        var retry = inbox.Inbox.PlanRetry(Id("a"));

        Assert.Equal((RetryKind.Requeue, DeliveryState.Failed), (retry.Kind, retry.Record?.State));
        Assert.Equal(push, retry.Again);
        var queued = inbox.Inbox.Requeue(retry.Again!, "retried by an operator");
        Assert.Equal((DeliveryState.Queued, "retried by an operator", 0, (DateTimeOffset?)null, 0),
            (queued?.State, queued?.Reason, queued?.Attempts, queued?.CompletedAt, queued?.Rerun));
        Assert.Equal(queued, inbox.Record("a"));
        Assert.Equal(0, inbox.Next().Event.Rerun);
    }

    [Fact]
    public void OperatorRetryOfAnAppliedDelivery_RunsItAgainAsTheNextRerun()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a"));
        inbox.RunNext(Applied(TestEvents.Sha(1)));

        var first = inbox.Inbox.PlanRetry(Id("a"));
        inbox.Inbox.Requeue(first.Again!, "retried by an operator");
        inbox.RunNext(Applied(TestEvents.Sha(1)));
        var second = inbox.Inbox.PlanRetry(Id("a"));

        Assert.Equal((RetryKind.Requeue, 1), (first.Kind, first.Again?.Rerun));
        Assert.Equal((RetryKind.Requeue, 2), (second.Kind, second.Again?.Rerun));
        Assert.Equal((DeliveryState.Applied, 1), (inbox.Record("a").State, inbox.Record("a").Rerun));
    }

    [Fact]
    public void OperatorRetryOfAPendingDelivery_MakesItEligibleNow()
    {
        var inbox = new InboxHarness(new DeliveryOptions { RetryDelay = TimeSpan.FromMinutes(5) });
        inbox.Receive(Push("a"));
        inbox.RunNext(ProcessingResult.Retry("git is down"));
        inbox.Clock.Advance(TimeSpan.FromSeconds(30));

        var retry = inbox.Inbox.PlanRetry(Id("a"));
        inbox.Inbox.RunNow(Id("a"));

        Assert.Equal((RetryKind.RunPendingNow, DeliveryState.Queued, null), (retry.Kind, retry.Record?.State, retry.Again));
        var next = inbox.Next();
        Assert.Equal(("a", Start.AddSeconds(30), 1), (next.Event.Delivery.Value, next.NotBefore, next.Attempts));
    }

    [Fact]
    public void OperatorRetryOfAnIgnoredOrUnknownDelivery_DoesNothing()
    {
        var inbox = new InboxHarness();
        inbox.Receive(Push("a") with { EventType = EventType.Parse("ping") });

        var ignored = inbox.Inbox.PlanRetry(Id("a"));
        var unknown = inbox.Inbox.PlanRetry(Id("b"));

        Assert.Equal((RetryKind.Nothing, DeliveryState.Ignored, null), (ignored.Kind, ignored.Record?.State, ignored.Again));
        Assert.Equal(new OperatorRetry(RetryKind.Nothing, null), unknown);
    }
}
