using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>What waiting for an outcome answers: null at once for an unknown delivery, the record as it is when the wait ends.</summary>
public sealed class WaitForOutcomeTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task WaitForOutcome_UnknownDelivery_IsNullAtOnce_WhileAKnownOneIsStillRunning()
    {
        var push = await StartedAndHeldAsync();
        var repository = push.Repository.FullName;

        // Far longer than the test's safety net: an unknown id must be answered without waiting for anything.
        var unknown = await fixture.Grain(repository).WaitForOutcome(Abstractions.Identity.DeliveryId.Parse("never-sent"), TimeSpan.FromDays(1)).WaitAsync(ClusterFixture.Wait);
        fixture.Processor.Release(push.Delivery.Value);

        Assert.Null(unknown);
        Assert.Equal(DeliveryState.Applied, (await fixture.OutcomeAsync(repository, push)).State);
    }

    [Fact]
    public async Task WaitForOutcome_OfADeliveryStillRunning_EndsWithItsQueuedRecord()
    {
        var push = await StartedAndHeldAsync();
        var repository = push.Repository.FullName;

        // The delivery is held until after the wait: the short wait ends, however slow the machine, with the record as it is.
        var record = await fixture.Grain(repository).WaitForOutcome(push.Delivery, TimeSpan.FromSeconds(1));
        fixture.Processor.Release(push.Delivery.Value);

        Assert.Equal((push.Delivery, DeliveryState.Queued, 0), (record!.Delivery, record.State, record.Attempts));
        Assert.Equal(DeliveryState.Applied, (await fixture.OutcomeAsync(repository, push)).State);
    }

    /// <summary>A push of a new repository, enqueued, whose processing has started and is held until the test releases it.</summary>
    private async Task<WebhookEvent> StartedAndHeldAsync()
    {
        var push = TestEvents.Push(TestEvents.NewRepository());
        fixture.Processor.Hold(push.Delivery.Value);
        await fixture.Grain(push.Repository.FullName).Enqueue(push);
        await fixture.StartedAsync(push);
        return push;
    }
}
