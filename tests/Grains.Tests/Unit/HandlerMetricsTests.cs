using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>What each instrument records, with which labels; and the queue gauges over the tracked inboxes.</summary>
public sealed class HandlerMetricsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly MetricsRecorder _recorder;

    public HandlerMetricsTests() => _recorder = new MetricsRecorder(_time);

    private HandlerMetrics Metrics => _recorder.Metrics;

    [Fact]
    public void FinishedDelivery_IsCountedByGitHubsEventNameAndTheApisOutcomeName()
    {
        Metrics.DeliveryFinished(EventKind.PullRequest, DeliveryState.NoManifest);

        var counted = Assert.Single(_recorder.Of("handler.deliveries"));
        Assert.Equal(1, counted.Value);
        Assert.Equal(new Dictionary<string, string> { ["event"] = "pull_request", ["outcome"] = "no-manifest" }, counted.Labels);
    }

    [Fact]
    public void Acknowledgement_IsRecordedInSecondsWithTheStatusCode()
    {
        Metrics.Acknowledged(EventKind.Push, 202, TimeSpan.FromMilliseconds(1500));

        var recorded = Assert.Single(_recorder.Of("handler.webhook.acknowledgement.duration"));
        Assert.Equal((1.5, "push", "202"), (recorded.Value, recorded["event"], recorded["status"]));
    }

    [Fact]
    public void ObjectsApplied_IsRecordedInSecondsByEvent()
    {
        Metrics.ObjectsApplied(EventKind.MergeGroup, TimeSpan.FromSeconds(3));

        var recorded = Assert.Single(_recorder.Of("handler.event_to_object.duration"));
        Assert.Equal((3.0, "merge_group"), (recorded.Value, recorded["event"]));
    }

    [Fact]
    public void GitFetch_RecordsItsDurationByOutcome_AndTheBytesReceived()
    {
        Metrics.GitFetched(succeeded: false, TimeSpan.FromSeconds(2), bytes: 4096);

        var duration = Assert.Single(_recorder.Of("handler.git.fetch.duration"));
        Assert.Equal((2.0, "failed"), (duration.Value, duration["outcome"]));
        Assert.Equal(4096, Assert.Single(_recorder.Of("handler.git.fetch.received")).Value);
    }

    [Fact]
    public void KubernetesRequestWithoutAnAnswer_IsCountedAsError()
    {
        Metrics.KubernetesRequest(HttpMethod.Patch, 409);
        Metrics.KubernetesRequest(HttpMethod.Get, null);

        Assert.Equal([("PATCH", "409"), ("GET", "error")], _recorder.Of("handler.kubernetes.requests").Select(m => (m["verb"], m["status"])));
    }

    [Fact]
    public void StopsAndRetries_AreCountedWithTheirFixedLabels()
    {
        Metrics.ObjectStopped(StopAction.Terminate);
        Metrics.RetryQueued(EventKind.Other, RetryTrigger.Redelivery);

        Assert.Equal("terminate", Assert.Single(_recorder.Of("handler.workflows.stopped"))["action"]);
        var retry = Assert.Single(_recorder.Of("handler.delivery.retries"));
        Assert.Equal(("other", "redelivery"), (retry["event"], retry["trigger"]));
    }

    [Fact]
    public void QueueGauges_SumTheTrackedInboxes_AndAgeTheirOldestWaitingDelivery()
    {
        using var first = Metrics.Inboxes.Track();
        var second = Metrics.Inboxes.Track();
        first.Publish(2, _time.GetUtcNow() - TimeSpan.FromSeconds(30));
        second.Publish(3, _time.GetUtcNow() - TimeSpan.FromSeconds(90));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(5, _recorder.Read("handler.inbox.depth"));
        Assert.Equal(100, _recorder.Read("handler.inbox.oldest.age"));

        second.Dispose();
        Assert.Equal(2, _recorder.Read("handler.inbox.depth"));
        Assert.Equal(40, _recorder.Read("handler.inbox.oldest.age"));
    }

    [Fact]
    public void QueueGauges_WithNothingWaiting_ReadZero()
    {
        using var idle = Metrics.Inboxes.Track();
        idle.Publish(0, null);

        Assert.Equal(0, _recorder.Read("handler.inbox.depth"));
        Assert.Equal(0, _recorder.Read("handler.inbox.oldest.age"));
    }

    [Fact]
    public void EveryEventAndOutcome_HasALabelOfItsOwn()
    {
        var events = Enum.GetValues<EventKind>().Select(MetricLabels.Of).ToList();
        var outcomes = Enum.GetValues<DeliveryState>().Select(MetricLabels.Of).ToList();

        Assert.Equal(events.Count, events.Distinct().Count());
        Assert.Equal(outcomes.Count, outcomes.Distinct().Count());
        Assert.Contains("awaiting-approval", outcomes);
        Assert.Contains("issue_comment", events);
    }

    public void Dispose() => _recorder.Dispose();
}
