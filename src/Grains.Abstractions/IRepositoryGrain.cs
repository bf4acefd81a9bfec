using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Reporting;
using Orleans.Concurrency;

namespace K8sWebhookHandler.Abstractions;

/// <summary>
/// One repository, keyed by its canonical <see cref="RepositoryKey"/>: a durable inbox of deliveries,
/// the delivery ids it has seen, and per-ref state. Deliveries are processed one at a time, in order.
/// </summary>
[Alias("repository-grain")]
public interface IRepositoryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records a delivery durably and answers only then: <see cref="DeliveryStatus.Duplicate"/> for an id seen
    /// before, <see cref="DeliveryStatus.Ignored"/> for an event the handler does not act on or a ref that matches
    /// <c>Handler:IgnoreRefs</c> (recorded final at once, never processed). Concurrent deliveries to one repository
    /// interleave, so that they are written together.
    /// </summary>
    [AlwaysInterleave, Alias("enqueue")]
    Task<DeliveryStatus> Enqueue(WebhookEvent webhookEvent);

    /// <summary>The recent deliveries with their outcomes, and what was last applied per ref.</summary>
    [ReadOnly, Alias("inspect")]
    Task<RepositorySnapshot> Inspect();

    /// <summary>The kept deliveries that match <paramref name="query"/>, newest first, at most its limit.</summary>
    [ReadOnly, Alias("deliveries")]
    Task<IReadOnlyList<DeliveryRecord>> Deliveries(DeliveryQuery query);

    /// <summary>
    /// Whether the repository remembers receiving <paramref name="delivery"/> (within <c>Handler:DeliveryRetention</c>):
    /// what delivery recovery asks before it has GitHub send a delivery again.
    /// </summary>
    [ReadOnly, Alias("knows")]
    Task<bool> Knows(DeliveryId delivery);

    /// <summary>The refs the repository remembers, by name, each with what was last applied for it.</summary>
    [ReadOnly, Alias("refs")]
    Task<IReadOnlyList<RefRecord>> Refs();

    /// <summary>
    /// The delivery's record once it is final, or its current record when <paramref name="timeout"/> passes
    /// first; null for an id the repository has no record of.
    /// </summary>
    [AlwaysInterleave, Alias("wait-for-outcome")]
    Task<DeliveryRecord?> WaitForOutcome(DeliveryId delivery, TimeSpan timeout);

    /// <summary>
    /// Runs a recorded delivery again, as an operator asks: a pending one is tried now, a <c>failed</c> one is
    /// queued again as it was, and any other final one is queued as a re-run that makes new objects. Answers the
    /// delivery's record after the change is stored; null for an id the repository has no record of. An ignored
    /// event or ref stays ignored, and state written before the repository's facts were kept cannot rebuild the event:
    /// the record then comes back unchanged.
    /// </summary>
    [Alias("retry")]
    Task<DeliveryRecord?> Retry(DeliveryId delivery);

    /// <summary>
    /// What the watch saw of one of the handler's Workflows: when its phase tells GitHub something new about a Workflow
    /// this repository made, a report is written down before the call returns, and sent. Anything else changes
    /// nothing; the same observation any number of times changes GitHub once.
    /// </summary>
    [Alias("observe-workflow")]
    Task ObserveWorkflow(WorkflowObservation observation);

    /// <summary>Activates the grain so that pending deliveries resume (after a restart).</summary>
    [Alias("wake")]
    Task Wake();
}
