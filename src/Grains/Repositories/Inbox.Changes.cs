using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// How each <see cref="RepositoryChange"/> changes the state. The inbox's operations decide a change and apply it
/// here; reading a journal applies the stored changes here again, in order, so memory and storage agree by
/// construction. A change depends only on the state before it, its own fields and the limits in the options.
/// </summary>
public sealed partial class Inbox
{
    /// <summary>
    /// Makes the change to the state without telling anyone (a journal being read); returns the record of the delivery
    /// it changed. A change naming a delivery that is not pending changes nothing.
    /// </summary>
    public DeliveryRecord? Apply(RepositoryChange change) => change switch
    {
        DeliveryAccepted accepted => ApplyAccepted(accepted),
        DeliveryRequeued requeued => ApplyRequeued(requeued),
        DeliveryMadeReady ready => ApplyMadeReady(ready),
        RetryScheduled retry => ApplyRetry(retry),
        DeliveryCompleted completed => ApplyCompleted(completed),
        ReportQueued queued => ApplyReportQueued(queued),
        ReportSent sent => ApplyReportSent(sent),
        ReportDeferred deferred => ApplyReportDeferred(deferred),
        ReportDropped dropped => ApplyReportDropped(dropped),
        PullRequestApproved approved => ApplyApproved(approved),
        _ => throw new ArgumentException($"{change.GetType().Name} is not a change the inbox knows", nameof(change)),
    };

    /// <summary>Makes the change and tells the grain, which writes it.</summary>
    private DeliveryRecord? Record(RepositoryChange change)
    {
        var record = Apply(change);
        changed?.Invoke(change);
        return record;
    }

    private DeliveryRecord ApplyAccepted(DeliveryAccepted change)
    {
        var (e, now) = (change.Event, change.At);
        ForgetOldDeliveries(now);
        State.Seen[e.Delivery] = now;
        var queued = change.IgnoredAs is null;
        if (queued)
        {
            NoteReceived(e, now);
            TryWaitingDeliveriesOfRefNow(e.Ref, now);
            State.Inbox.Add(new PendingDelivery(e, 0, now, null, now, PairDeletion(e, now)));
        }

        var record = new DeliveryRecord(e.Delivery, e.EventType, e.Action, e.Ref, e.Revision, e.ReceivedAt,
            change.IgnoredAs ?? DeliveryState.Queued, change.Reason, 0, [], queued ? null : now, Before: e.Before, Deleted: e.Deleted)
        {
            PullRequest = e.PullRequest,
            ClientPayload = e.ClientPayload,
        };
        AddRecord(record);
        NotePullRequest(change);
        return record;
    }

    private DeliveryRecord? ApplyRequeued(DeliveryRequeued change)
    {
        var again = change.Event;
        State.Inbox.Add(new PendingDelivery(again, 0, change.At, null, change.At));
        NotePullRequestQueued(change);
        return UpdateRecord(again.Delivery, r => r with { State = DeliveryState.Queued, Reason = change.Reason, Attempts = 0, CompletedAt = null, Rerun = again.Rerun });
    }

    private DeliveryRecord? ApplyMadeReady(DeliveryMadeReady change)
    {
        var index = IndexOf(change.Delivery);
        if (index >= 0)
        {
            State.Inbox[index] = State.Inbox[index] with { NotBefore = change.At };
        }

        return Find(change.Delivery);
    }

    private DeliveryRecord? ApplyRetry(RetryScheduled change)
    {
        var index = IndexOf(change.Delivery);
        if (index < 0)
        {
            return null;
        }

        State.Inbox[index] = State.Inbox[index] with { Attempts = change.Attempts, NotBefore = change.NotBefore, LastError = change.Reason };
        return UpdateRecord(change.Delivery, r => r with { Attempts = change.Attempts, Reason = change.Reason });
    }

    private DeliveryRecord? ApplyCompleted(DeliveryCompleted change)
    {
        var index = IndexOf(change.Delivery);
        if (index < 0)
        {
            return null;
        }

        var (attempted, now) = (State.Inbox[index], change.At);
        var e = attempted.Event;
        State.Inbox.RemoveAt(index);
        ForgetClosedPullRequest(e);

        // The ref's tip moves with pushes and deletions, a pull request's pushes and close, a merge group's start and
        // end: a re-requested check on an old commit, or an operator's re-run of an old delivery, must not rewind it.
        var movesTip = e.Rerun == 0 && !e.Ref.IsNone && e.Kind is EventKind.Push or EventKind.Delete or EventKind.PullRequest or EventKind.MergeGroup;
        var done = change.State is DeliveryState.Applied or DeliveryState.NoManifest || (e.IsDeletion && change.State == DeliveryState.Ignored);
        if (movesTip && done)
        {
            var revision = RefEnding.Of(e) == RefEndingKind.None ? e.Revision : WebhookEvent.ZeroRevision;
            State.Refs[e.Ref] = new RefRecord(e.Ref, revision, e.Delivery, change.Objects, now);
            PruneRefs(now, e.Ref);
        }

        return UpdateRecord(e.Delivery, r => r with
        {
            State = change.State,
            Reason = change.Reason,
            Attempts = attempted.Attempts + 1,
            Objects = change.Objects,
            Stopped = change.Stopped,
            CompletedAt = now,
        });
    }

    /// <summary>Where a pending delivery is in the inbox, or -1. Requests may append others or move a waiting one's time.</summary>
    private int IndexOf(DeliveryId delivery) => State.Inbox.FindIndex(p => p.Event.Delivery == delivery);
}
