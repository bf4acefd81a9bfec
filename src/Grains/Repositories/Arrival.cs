using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>What accepting a delivery does, as <see cref="Inbox.Examine"/> finds it.</summary>
public enum ArrivalKind
{
    /// <summary>A delivery the handler acts on: it is queued.</summary>
    New,

    /// <summary>An event or ref the handler does not act on: recorded final at once.</summary>
    Ignored,

    /// <summary>An id remembered within the retention: nothing happens again.</summary>
    Duplicate,

    /// <summary>A push or deletion repeating the last one received for its ref under a new id: nothing happens again.</summary>
    Replay,

    /// <summary>GitHub's "Redeliver" of a delivery that failed for good: it is queued again.</summary>
    Redelivery,
}

/// <summary>
/// A delivery examined on arrival, before anything changes: the grain registers its reminder in between, when the
/// delivery is to be queued, and then has the inbox accept it.
/// </summary>
/// <param name="Kind">What accepting it does.</param>
/// <param name="Event">The delivery; for a redelivery, with the re-run number of the failed record it brings back.</param>
/// <param name="At">When it arrived: the time it is remembered and queued at.</param>
/// <param name="IgnoredAs">For an ignored delivery, its final state (ignored or ignored-ref) and <paramref name="Reason"/> why.</param>
/// <param name="Reason">Why an ignored delivery is ignored.</param>
/// <param name="Original">For a replay, the delivery it repeats.</param>
public sealed record Arrival(
    ArrivalKind Kind, WebhookEvent Event, DateTimeOffset At, DeliveryState? IgnoredAs = null, string? Reason = null, DeliveryId? Original = null)
{
    /// <summary>The answer to the sender.</summary>
    public DeliveryStatus Status => Kind switch
    {
        ArrivalKind.Duplicate or ArrivalKind.Replay => DeliveryStatus.Duplicate,
        ArrivalKind.Ignored => DeliveryStatus.Ignored,
        _ => DeliveryStatus.Queued,
    };
}

/// <summary>What an operator's retry of a recorded delivery does.</summary>
public enum RetryKind
{
    /// <summary>Nothing: the delivery is unknown, ignored, or the repository's facts are not known yet.</summary>
    Nothing,

    /// <summary>The delivery is still pending: it is made eligible now (<see cref="Inbox.RunNow"/>).</summary>
    RunPendingNow,

    /// <summary>The delivery is finished: it is queued again as <see cref="OperatorRetry.Again"/> (<see cref="Inbox.Requeue"/>).</summary>
    Requeue,
}

/// <summary>An operator's retry as <see cref="Inbox.PlanRetry"/> finds it, before anything changes.</summary>
/// <param name="Kind">What the retry does.</param>
/// <param name="Record">The delivery's record as it is, if it is remembered.</param>
/// <param name="Again">For <see cref="RetryKind.Requeue"/>, the delivery to queue, with its re-run number.</param>
public sealed record OperatorRetry(RetryKind Kind, DeliveryRecord? Record, WebhookEvent? Again = null);
