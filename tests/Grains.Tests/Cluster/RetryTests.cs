using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>A cluster whose retries wait far longer than any test: a delivery that failed once stays waiting.</summary>
public sealed class WaitingRetryClusterFixture() : ClusterFixture(new DeliveryOptions
{
    RetryDelay = TimeSpan.FromHours(1),
    MaxRetryDelay = TimeSpan.FromHours(1),
});

/// <summary>Deliveries waiting for a retry: they hold up their own ref only, and newer work or an operator moves them on.</summary>
public sealed class RetryTests(WaitingRetryClusterFixture fixture) : IClassFixture<WaitingRetryClusterFixture>
{
    /// <summary>Enqueues a delivery whose first attempt fails transiently, and returns once that attempt is stored.</summary>
    private async Task EnqueueFailingOnceAsync(string repository, WebhookEvent e)
    {
        await fixture.Grain(repository).Enqueue(e);
        await fixture.Processor.Started(e.Delivery.Value);
        using var deadline = new CancellationTokenSource(ClusterFixture.Wait);
        while ((await fixture.Grain(repository).Inspect()).Deliveries.Single(d => d.Delivery == e.Delivery).Attempts == 0)
        {
            // Polled: the grain signals only final outcomes. The interval is not a wait for anything to happen.
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }

    [Fact]
    public async Task DeliveryWaitingForARetry_DoesNotHoldUpOtherRefs()
    {
        var repository = TestEvents.NewRepository();
        var failing = TestEvents.Push(repository, branch: "one");
        var other = TestEvents.Push(repository, branch: "two");
        fixture.Processor.Answer = (e, _) => e.Delivery == failing.Delivery
            ? ProcessingResult.Retry("API server answered 503")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

        await EnqueueFailingOnceAsync(repository, failing);
        await fixture.Grain(repository).Enqueue(other);
        var applied = await fixture.OutcomeAsync(repository, other);

        Assert.Equal(DeliveryState.Applied, applied.State);
        var waiting = (await fixture.Grain(repository).Inspect()).Deliveries.Single(d => d.Delivery == failing.Delivery);
        Assert.Equal(DeliveryState.Queued, waiting.State);
        Assert.Equal(1, waiting.Attempts);
        Assert.Equal("API server answered 503", waiting.Reason);
    }

    [Fact]
    public async Task NewerPushToTheSameRef_SupersedesTheWaitingOneAtOnce()
    {
        var repository = TestEvents.NewRepository();
        var failing = TestEvents.Push(repository, after: TestEvents.Sha(1));
        var newer = TestEvents.Push(repository, before: TestEvents.Sha(1), after: TestEvents.Sha(2));
        fixture.Processor.Answer = (e, _) => e.Delivery == failing.Delivery
            ? ProcessingResult.Retry("git server unreachable")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

        await EnqueueFailingOnceAsync(repository, failing);
        await fixture.Grain(repository).Enqueue(newer);
        var superseded = await fixture.OutcomeAsync(repository, failing);
        var applied = await fixture.OutcomeAsync(repository, newer);

        Assert.Equal(DeliveryState.Superseded, superseded.State);
        Assert.Equal(DeliveryState.Applied, applied.State);
    }

    [Fact]
    public async Task OperatorRetry_OfAWaitingDelivery_RunsItNow()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository);
        fixture.Processor.Answer = (e, attempt) => e.Delivery == push.Delivery && attempt == 1
            ? ProcessingResult.Retry("API server answered 503")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

        await EnqueueFailingOnceAsync(repository, push);
        var retried = await fixture.Grain(repository).Retry(push.Delivery);
        var outcome = await fixture.OutcomeAsync(repository, push);

        Assert.Equal(DeliveryState.Queued, retried!.State);
        Assert.Equal(DeliveryState.Applied, outcome.State);
        Assert.Equal(2, outcome.Attempts);
        Assert.All(fixture.Processor.Calls.Where(c => c.Delivery == push.Delivery), c => Assert.Equal(0, c.Rerun));
    }

    [Fact]
    public async Task RetriesAndTheFinalOutcome_AreRecordedByTheGrain_WithTheEventAndTrigger()
    {
        fixture.Metrics.Clear();
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository);
        var workflow = new AppliedObject("argoproj.io/v1alpha1", "Workflow", "ci", "build-1");
        fixture.Processor.Answer = (e, attempt) => attempt == 1
            ? ProcessingResult.Retry("API server answered 503")
            : new ProcessingResult(DeliveryState.Applied, null, [workflow], e.Revision);

        await EnqueueFailingOnceAsync(repository, push);
        await fixture.Grain(repository).Retry(push.Delivery);
        await fixture.OutcomeAsync(repository, push);

        var retries = fixture.Metrics.Of("handler.delivery.retries").Select(m => (m["event"], m["trigger"]));
        Assert.Equal([("push", "transient"), ("push", "operator")], retries);
        var finished = Assert.Single(fixture.Metrics.Of("handler.deliveries"));
        Assert.Equal(("push", "applied"), (finished["event"], finished["outcome"]));
        Assert.Equal("push", Assert.Single(fixture.Metrics.Of("handler.event_to_object.duration"))["event"]);
    }
}
