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

    /// <summary>A pull request's commit nobody trusted yet: recorded final, it runs once a trusted author approves it.</summary>
    AwaitingApproval,

    /// <summary>A trusted author's command on a pull request: recorded final, with the approval and the run it gives (<see cref="Arrival.Command"/>).</summary>
    Triggered,
}

/// <summary>What a comment's command does when its delivery is accepted.</summary>
/// <param name="Number">The pull request it is about.</param>
/// <param name="Approve">The head commit it approves, if it approves one not approved yet.</param>
/// <param name="Again">The pull request's delivery it queues (again), if any.</param>
/// <param name="AgainReason">What the queued delivery's record says queued it.</param>
public sealed record CommandEffect(int Number, string? Approve, WebhookEvent? Again, string AgainReason);

/// <summary>
/// A delivery examined on arrival, before anything changes: the grain registers its reminder in between, when the
/// delivery is to be queued, and then has the inbox accept it.
/// </summary>
/// <param name="Kind">What accepting it does.</param>
/// <param name="Event">The delivery; for a redelivery, with the re-run number of the failed record it brings back.</param>
/// <param name="At">When it arrived: the time it is remembered and queued at.</param>
/// <param name="IgnoredAs">For a delivery recorded final at once, its final state (ignored, ignored-ref, awaiting-approval,
/// triggered) and <paramref name="Reason"/> why.</param>
/// <param name="Reason">Why a delivery recorded final at once is.</param>
/// <param name="Original">For a replay, the delivery it repeats.</param>
/// <param name="Command">For a triggered comment, what its command does.</param>
public sealed record Arrival(
    ArrivalKind Kind, WebhookEvent Event, DateTimeOffset At, DeliveryState? IgnoredAs = null, string? Reason = null, DeliveryId? Original = null,
    CommandEffect? Command = null)
{
    /// <summary>The answer to the sender.</summary>
    public DeliveryStatus Status => Kind switch
    {
        ArrivalKind.Duplicate or ArrivalKind.Replay => DeliveryStatus.Duplicate,
        ArrivalKind.Ignored => DeliveryStatus.Ignored,
        ArrivalKind.AwaitingApproval => DeliveryStatus.AwaitingApproval,
        _ => DeliveryStatus.Queued,
    };

    /// <summary>Whether accepting it queues a delivery: this one, or the pull request's a command runs.</summary>
    public bool Queues => Kind is ArrivalKind.New or ArrivalKind.Redelivery || Command?.Again is not null;
}

/// <summary>What an operator's retry of a recorded delivery does.</summary>
public enum RetryKind
{
    /// <summary>
    /// Nothing: the delivery is unknown, ignored, awaiting approval (only a trusted author's <c>/ok-to-test</c> runs
    /// it), a comment, or the repository's facts are not known yet.
    /// </summary>
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
