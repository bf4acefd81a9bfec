using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>
/// An acknowledged delivery is in storage: a cluster started again over the same storage processes it. That holds for a
/// delivery queued again (a redelivery after it failed) as much as for a new one.
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private readonly ClusterFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task AcknowledgedDelivery_PendingWhenTheSiloDies_IsProcessedAfterRestartWithoutANewWebhook()
    {
        var repository = TestEvents.NewRepository();
        var held = TestEvents.Push(repository, branch: "one", after: TestEvents.Sha(1));
        var waiting = TestEvents.Push(repository, branch: "two", after: TestEvents.Sha(2));
        _fixture.Processor.Hold(held.Delivery.Value);
        var grain = _fixture.Grains.GetGrain<IRepositoryGrain>(repository);
        Assert.Equal(DeliveryStatus.Queued, await grain.Enqueue(held));
        Assert.Equal(DeliveryStatus.Queued, await grain.Enqueue(waiting));
        await _fixture.Processor.Started(held.Delivery.Value).WaitAsync(TimeSpan.FromSeconds(20));

        await _fixture.KillAsync();
        _fixture.Processor.Release(held.Delivery.Value);
        await _fixture.StartAsync();
        var restarted = _fixture.Grains.GetGrain<IRepositoryGrain>(repository);
        await restarted.Wake();
        var first = await restarted.WaitForOutcome(held.Delivery, TimeSpan.FromSeconds(20));
        var second = await restarted.WaitForOutcome(waiting.Delivery, TimeSpan.FromSeconds(20));
        var duplicate = await restarted.Enqueue(waiting);

        Assert.Equal(DeliveryState.Applied, first!.State);
        Assert.Equal(DeliveryState.Applied, second!.State);
        Assert.Equal(DeliveryStatus.Duplicate, duplicate);
    }

    [Fact]
    public async Task RedeliveryOfAFailedDelivery_AnsweredQueued_IsProcessedAfterTheSiloDiesRightAfterTheAnswer()
    {
        var repository = TestEvents.NewRepository();
        var failing = TestEvents.Push(repository, branch: "one", after: TestEvents.Sha(1));
        var held = TestEvents.Push(repository, branch: "two", after: TestEvents.Sha(2));
        var outage = true;
        _fixture.Processor.Answer = (e, _) => outage && e.Delivery == failing.Delivery
            ? ProcessingResult.Retry("API server answered 503")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);
        var grain = _fixture.Grains.GetGrain<IRepositoryGrain>(repository);
        await grain.Enqueue(failing);
        var failed = await _fixture.OutcomeAsync(repository, failing);
        outage = false;
        _fixture.Processor.Hold(held.Delivery.Value);
        await grain.Enqueue(held);
        await _fixture.Processor.Started(held.Delivery.Value).WaitAsync(ClusterFixture.Wait);

        var redelivered = await grain.Enqueue(failing);
        await _fixture.KillAsync();
        _fixture.Processor.Release(held.Delivery.Value);
        await _fixture.StartAsync();
        var outcome = await _fixture.OutcomeAsync(repository, failing);

        Assert.Equal(DeliveryState.Failed, failed.State);
        Assert.Equal(DeliveryStatus.Queued, redelivered);
        Assert.Equal(DeliveryState.Applied, outcome.State);
        Assert.Equal(1, outcome.Attempts);
    }
}
