using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>The head of the inbox: which delivery runs next, and what an attempt at it records.</summary>
public sealed partial class Inbox
{
    /// <summary>
    /// The first delivery that may run now. Order is kept per ref: a delivery runs only when no earlier one of its
    /// ref is pending, so one waiting for a retry holds up its own ref and nothing else. Otherwise, how long until
    /// the soonest waiting one may run (null when nothing is pending).
    /// </summary>
    public (PendingDelivery? Next, TimeSpan? Wait) NextReady()
    {
        var now = time.GetUtcNow();
        var refsAhead = new HashSet<GitRef>();
        TimeSpan? soonest = null;
        foreach (var pending in State.Inbox)
        {
            if (!refsAhead.Add(pending.Event.Ref))
            {
                continue;
            }

            var wait = pending.NotBefore - now;
            if (wait <= TimeSpan.Zero)
            {
                return (pending, null);
            }

            soonest = soonest is { } s && s < wait ? s : wait;
        }

        return (null, soonest);
    }

    /// <summary>
    /// The outcome a deletion has from the inbox alone, before anything is fetched: superseded when its twin acts for
    /// it, or when its ref is deleted already. Null when the delivery must be decided and processed. An operator's
    /// re-run always runs.
    /// </summary>
    public ProcessingResult? SettledDeletion(PendingDelivery pending)
    {
        var e = pending.Event;

        // A deletion comes twice (a delete event and a push with deleted: true): the first acts, the second finds it done.
        if (e.Rerun == 0 && pending.TwinOf is { } twin)
        {
            return ProcessingResult.Final(DeliveryState.Superseded, $"the deletion of {e.Ref} was handled by delivery {twin}");
        }

        // A deletion of a ref that is deleted already (its twin was queued before deliveries were paired on arrival).
        if (e.IsDeletion && e.Rerun == 0 && State.Refs.TryGetValue(e.Ref, out var known) && known.LastRevision == WebhookEvent.ZeroRevision)
        {
            return ProcessingResult.Final(DeliveryState.Superseded, $"the deletion of {e.Ref} was handled by delivery {known.LastDelivery}");
        }

        return null;
    }

    /// <summary>The deliveries that arrived after this one and wait behind it, in arrival order; a deletion's twin
    /// supersedes nothing and is left out. A copy: the inbox may grow while the caller uses it.</summary>
    public List<WebhookEvent> WaitingBehind(PendingDelivery pending) =>
        State.Inbox.SkipWhile(p => p.Event.Delivery != pending.Event.Delivery).Skip(1).Where(p => p.TwinOf is null).Select(p => p.Event).ToList();

    /// <summary>What was last applied for the ref, if anything.</summary>
    public RefRecord? LastApplied(GitRef gitRef) => State.Refs.GetValueOrDefault(gitRef);

    /// <summary>
    /// Records an attempt at a pending delivery. A transient failure is tried again later while
    /// <see cref="RetrySchedule"/> allows (null then); anything else completes the delivery, a transient failure past
    /// its time or attempts as failed, and returns its final record.
    /// </summary>
    public DeliveryRecord? Finish(PendingDelivery attempted, ProcessingResult result)
    {
        if (result.Transient && RetryLater(attempted, result.Reason))
        {
            return null;
        }

        return Complete(attempted, result.Transient ? result with { State = DeliveryState.Failed } : result);
    }

    /// <summary>
    /// Schedules the next attempt after a transient failure, with the delay doubled per attempt. False, changing
    /// nothing, when the delivery has run out of time or attempts.
    /// </summary>
    public bool RetryLater(PendingDelivery attempted, string? reason)
    {
        var (attempts, now) = (attempted.Attempts + 1, time.GetUtcNow());
        if (_retries.NextAttempt(attempts, attempted.Since, now) is not { } retryAt)
        {
            return false;
        }

        Record(new RetryScheduled(attempted.Event.Delivery, attempts, retryAt, reason, now));
        return true;
    }

    /// <summary>Takes the delivery out of the inbox and records its outcome; returns its final record.</summary>
    public DeliveryRecord Complete(PendingDelivery attempted, ProcessingResult result) =>
        Record(new DeliveryCompleted(attempted.Event.Delivery, result.State, result.Reason, result.Objects, result.Stopped, time.GetUtcNow()))!;

    /// <summary>
    /// Keeps per-ref memory bounded: a deleted ref is remembered for <c>DeliveryRetention</c> (its deletion's twin
    /// delivery must still find it), and beyond <c>MaxRefs</c> deleted refs go first, then the least recently updated.
    /// </summary>
    private void PruneRefs(DateTimeOffset now, GitRef updated)
    {
        var cutoff = now - options.DeliveryRetention;
        foreach (var gone in State.Refs.Values.Where(r => r.LastRevision == WebhookEvent.ZeroRevision && r.UpdatedAt < cutoff).ToList())
        {
            State.Refs.Remove(gone.Ref);
        }

        foreach (var excess in State.Refs.Values.Where(r => r.Ref != updated)
            .OrderBy(r => r.LastRevision == WebhookEvent.ZeroRevision ? 0 : 1).ThenBy(r => r.UpdatedAt).ThenBy(r => r.Ref.Value, StringComparer.Ordinal)
            .Take(State.Refs.Count - options.MaxRefs).ToList())
        {
            State.Refs.Remove(excess.Ref);
        }
    }
}
