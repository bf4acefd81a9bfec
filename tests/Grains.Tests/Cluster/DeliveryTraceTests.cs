using System.Diagnostics;
using K8sWebhookHandler.Abstractions.Diagnostics;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Tests.Fixtures;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>
/// A delivery's trace across the grain call and the queue: the drain loop's attempts, however much later they run, are
/// in the trace of the request that delivered it.
/// </summary>
public sealed class DeliveryTraceTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>, IDisposable
{
    private readonly RecordedSpans _spans = new();

    public void Dispose() => _spans.Dispose();

    /// <summary>Enqueues <paramref name="e"/> inside an intake-like span, as the webhook endpoint does; returns that span's trace.</summary>
    private async Task<ActivityTraceId> DeliverAsync(Abstractions.Events.WebhookEvent e)
    {
        using var receive = HandlerActivities.Source.StartActivity(HandlerActivities.Receive, ActivityKind.Server, default(ActivityContext));
        await fixture.Grain(e.Repository.FullName).Enqueue(e);
        return receive!.TraceId;
    }

    private Task<Activity> ProcessedAsync(Abstractions.Events.WebhookEvent e, int attempt) =>
        _spans.WaitForAsync(
            a => a.OperationName == HandlerActivities.Process && a.GetTagItem(HandlerActivities.DeliveryTag) as string == e.Delivery.Value
                && a.GetTagItem(HandlerActivities.AttemptTag) is int n && n == attempt,
            ClusterFixture.Wait);

    [Fact]
    public async Task QueuedDelivery_IsAcceptedAndProcessedInTheTraceOfItsRequest()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository);

        var trace = await DeliverAsync(push);
        await fixture.OutcomeAsync(repository, push);
        var process = await ProcessedAsync(push, 1);

        var accept = Assert.Single(_spans.Handler, a => a.OperationName == HandlerActivities.Accept && a.GetTagItem(HandlerActivities.DeliveryTag) as string == push.Delivery.Value);
        Assert.Equal((trace, trace), (accept.TraceId, process.TraceId));
        Assert.Equal(accept.SpanId, process.ParentSpanId);
        Assert.Equal(("queued", "applied", repository.ToLowerInvariant(), push.Revision),
            (accept.GetTagItem(HandlerActivities.OutcomeTag), process.GetTagItem(HandlerActivities.OutcomeTag),
             process.GetTagItem(HandlerActivities.RepositoryTag), process.GetTagItem(HandlerActivities.RevisionTag)));
    }

    [Fact]
    public async Task RetriedDelivery_EveryAttemptIsInTheTraceOfItsRequest_AndTheFailedOneSaysWhy()
    {
        var repository = TestEvents.NewRepository();
        var push = TestEvents.Push(repository);
        fixture.Processor.Answer = (e, attempt) => e.Delivery == push.Delivery && attempt == 1
            ? ProcessingResult.Retry("the git server is down")
            : new ProcessingResult(DeliveryState.Applied, null, [], e.Revision);

        var trace = await DeliverAsync(push);
        await fixture.OutcomeAsync(repository, push);
        var first = await ProcessedAsync(push, 1);
        var second = await ProcessedAsync(push, 2);

        Assert.Equal((trace, trace), (first.TraceId, second.TraceId));
        Assert.Equal((ActivityStatusCode.Error, "the git server is down", "retry"), (first.Status, first.StatusDescription, first.GetTagItem(HandlerActivities.OutcomeTag)));
        Assert.Equal((ActivityStatusCode.Unset, "applied"), (second.Status, second.GetTagItem(HandlerActivities.OutcomeTag)));
    }
}
