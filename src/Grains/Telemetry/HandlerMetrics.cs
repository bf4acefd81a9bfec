using System.Diagnostics.Metrics;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Recovery;

namespace K8sWebhookHandler.Grains.Telemetry;

/// <summary>
/// The handler's own instruments, on the meter <see cref="MeterName"/>, recorded where the facts are: intake, the
/// repository grain, the git mirror and the Kubernetes client. Labels come only from fixed sets (<see cref="MetricLabels"/>):
/// never a repository, ref or delivery id, so a series count stays bounded whatever the payloads say.
/// </summary>
public sealed class HandlerMetrics : IDisposable
{
    /// <summary>The meter's name, for an exporter's <c>AddMeter</c>.</summary>
    public const string MeterName = "K8sWebhookHandler";

    private static readonly double[] QuickSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] SlowSeconds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    private readonly Meter _meter;
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _acknowledgement;
    private readonly Histogram<double> _eventToObject;
    private readonly Histogram<double> _fetchDuration;
    private readonly Counter<long> _fetchBytes;
    private readonly Counter<long> _kubernetesRequests;
    private readonly Counter<long> _workflowsStopped;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _recoveryRuns;
    private readonly Counter<long> _redeliveries;

    /// <param name="meters">Where the meter comes from (the host's factory, so that tests can tell hosts apart).</param>
    /// <param name="time">The clock the age of the oldest waiting delivery is measured by.</param>
    public HandlerMetrics(IMeterFactory meters, TimeProvider time)
    {
        _meter = meters.Create(new MeterOptions(MeterName));
        Inboxes = new InboxLoads(time);
        _deliveries = _meter.CreateCounter<long>("handler.deliveries", "{delivery}",
            "Deliveries that reached a final outcome, by event and outcome.");
        _acknowledgement = Histogram("handler.webhook.acknowledgement.duration", QuickSeconds,
            "From a webhook request's arrival to its answer, by event and HTTP status.");
        _eventToObject = Histogram("handler.event_to_object.duration", SlowSeconds,
            "From a delivery's queueing to its objects applied in Kubernetes, by event.");
        _fetchDuration = Histogram("handler.git.fetch.duration", SlowSeconds, "One git fetch into a mirror, by outcome.");
        _fetchBytes = _meter.CreateCounter<long>("handler.git.fetch.received", "By", "Bytes git fetches received from servers.");
        _kubernetesRequests = _meter.CreateCounter<long>("handler.kubernetes.requests", "{request}",
            "Requests to the Kubernetes API, by HTTP verb and status code (error: no answer).");
        _workflowsStopped = _meter.CreateCounter<long>("handler.workflows.stopped", "{object}",
            "Older objects stopped because a newer revision of their ref was applied, by action.");
        _retries = _meter.CreateCounter<long>("handler.delivery.retries", "{retry}",
            "Deliveries queued to run again, by event and trigger.");
        _recoveryRuns = _meter.CreateCounter<long>("handler.recovery.runs", "{run}", "Delivery reconciler runs, by outcome.");
        _redeliveries = _meter.CreateCounter<long>("handler.recovery.redeliveries", "{delivery}",
            "Failed deliveries the reconciler asked GitHub to send again (recovered deliveries).");
        _meter.CreateObservableGauge("handler.inbox.depth", () => Inboxes.Depth, "{delivery}",
            "Deliveries waiting in the inboxes active in this process (silo).");
        _meter.CreateObservableGauge("handler.inbox.oldest.age", () => Inboxes.OldestAge.TotalSeconds, "s",
            "How long the oldest delivery waiting in this process's (silo's) inboxes has waited; 0 when none waits.");
    }

    /// <summary>The inboxes active in this process, whose load the gauges report.</summary>
    public InboxLoads Inboxes { get; }

    /// <summary>A delivery reached its final <paramref name="outcome"/>.</summary>
    public void DeliveryFinished(EventKind kind, DeliveryState outcome) =>
        _deliveries.Add(1, new(MetricLabels.Event, MetricLabels.Of(kind)), new(MetricLabels.Outcome, MetricLabels.Of(outcome)));

    /// <summary>A webhook request was answered <paramref name="status"/> after <paramref name="elapsed"/>.</summary>
    public void Acknowledged(EventKind kind, int status, TimeSpan elapsed) =>
        _acknowledgement.Record(elapsed.TotalSeconds, new(MetricLabels.Event, MetricLabels.Of(kind)), new(MetricLabels.Status, MetricLabels.Of(status)));

    /// <summary>A delivery's objects were applied <paramref name="sinceQueued"/> after it was queued.</summary>
    public void ObjectsApplied(EventKind kind, TimeSpan sinceQueued) =>
        _eventToObject.Record(Math.Max(0, sinceQueued.TotalSeconds), new KeyValuePair<string, object?>(MetricLabels.Event, MetricLabels.Of(kind)));

    /// <summary>One git fetch ended, having received <paramref name="bytes"/>.</summary>
    public void GitFetched(bool succeeded, TimeSpan duration, long bytes)
    {
        _fetchDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(MetricLabels.Outcome, succeeded ? "succeeded" : "failed"));
        if (bytes > 0)
        {
            _fetchBytes.Add(bytes);
        }
    }

    /// <summary>A request to the Kubernetes API was answered <paramref name="status"/>, or not at all (null).</summary>
    public void KubernetesRequest(HttpMethod method, int? status) =>
        _kubernetesRequests.Add(1, new(MetricLabels.Verb, MetricLabels.Of(method)), new(MetricLabels.Status, status is { } code ? MetricLabels.Of(code) : "error"));

    /// <summary>An older object was stopped by <paramref name="action"/> (<see cref="StopAction"/>).</summary>
    public void ObjectStopped(StopAction action) =>
        _workflowsStopped.Add(1, new KeyValuePair<string, object?>(MetricLabels.Action, MetricLabels.Of(action)));

    /// <summary>A delivery was queued to run again.</summary>
    public void RetryQueued(EventKind kind, RetryTrigger trigger) =>
        _retries.Add(1, new(MetricLabels.Event, MetricLabels.Of(kind)), new(MetricLabels.Trigger, MetricLabels.Of(trigger)));

    /// <summary>A delivery reconciler run ended with <paramref name="outcome"/>, having asked for <paramref name="redeliveries"/>.</summary>
    public void RecoveryRun(RecoveryOutcome outcome, int redeliveries)
    {
        _recoveryRuns.Add(1, new KeyValuePair<string, object?>(MetricLabels.Outcome, MetricLabels.Of(outcome)));
        if (redeliveries > 0)
        {
            _redeliveries.Add(redeliveries);
        }
    }

    public void Dispose() => _meter.Dispose();

    private Histogram<double> Histogram(string name, double[] boundaries, string description) =>
        _meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = boundaries });
}

/// <summary>How an older object was stopped.</summary>
public enum StopAction
{
    /// <summary><c>spec.shutdown: Stop</c> on an Argo Workflow.</summary>
    Stop,

    /// <summary><c>spec.shutdown: Terminate</c> on an Argo Workflow.</summary>
    Terminate,

    /// <summary>Deleted.</summary>
    Delete,
}

/// <summary>Why a delivery runs again.</summary>
public enum RetryTrigger
{
    /// <summary>A transient failure: tried again after a backoff.</summary>
    Transient,

    /// <summary>An operator asked (the retry endpoint).</summary>
    Operator,

    /// <summary>GitHub redelivered a delivery that had failed.</summary>
    Redelivery,
}
