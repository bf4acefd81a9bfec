using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Processing;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>Delivery records, dedupe retention, waiters and log messages.</summary>
public sealed partial class RepositoryGrain
{
    private void AddRecord(DeliveryRecord record)
    {
        State.History.Add(record);
        var excess = State.History.Count - options.Value.HistoryLimit;
        if (excess > 0)
        {
            var pending = State.Inbox.Select(p => p.Event.Delivery).ToHashSet();
            // Failed records go last: they are what a redelivery or an operator's retry brings back.
            var removable = State.History.Where(r => !pending.Contains(r.Delivery))
                .OrderBy(r => r.State == DeliveryState.Failed ? 1 : 0)
                .Take(excess).ToHashSet();
            State.History.RemoveAll(removable.Contains);
        }
    }

    private DeliveryRecord? UpdateRecord(DeliveryId delivery, Func<DeliveryRecord, DeliveryRecord> change)
    {
        var index = State.History.FindLastIndex(r => r.Delivery == delivery);
        if (index < 0)
        {
            return null;
        }

        State.History[index] = change(State.History[index]);
        return State.History[index];
    }

    private DeliveryRecord? FindRecord(DeliveryId delivery) => State.History.FindLast(r => r.Delivery == delivery);

    private void Notify(DeliveryRecord record)
    {
        if (_waiters.TryGetValue(record.Delivery, out var list))
        {
            foreach (var waiter in list.ToArray())
            {
                waiter.TrySetResult(record);
            }

            _waiters.Remove(record.Delivery);
        }
    }

    /// <summary>
    /// Whether the id was seen within <c>DeliveryRetention</c>. An older entry counts as forgotten at once, though the
    /// set is pruned only now and then (<see cref="ForgetOldDeliveries"/>).
    /// </summary>
    private bool Remembers(DeliveryId id, DateTimeOffset now) =>
        State.Seen.TryGetValue(id, out var seenAt) && seenAt >= now - options.Value.DeliveryRetention;

    /// <summary>
    /// Keeps the set bounded before an id is added: at <c>MaxRememberedDeliveries</c> (and every 256 ids, to drop
    /// expired ones early) it keeps the newest ids within the retention, one fewer than the limit.
    /// </summary>
    private void ForgetOldDeliveries(DateTimeOffset now)
    {
        var settings = options.Value;
        if (State.Seen.Count < settings.MaxRememberedDeliveries && State.Seen.Count % 256 != 0)
        {
            return;
        }

        var cutoff = now - settings.DeliveryRetention;
        var keep = State.Seen.Where(s => s.Value >= cutoff)
            .OrderByDescending(s => s.Value)
            .Take(settings.MaxRememberedDeliveries - 1)
            .ToDictionary(s => s.Key, s => s.Value);
        State.Seen = keep;
    }

    /// <summary>
    /// What identifies a push or a deletion whatever its delivery id: the event, and for a push the
    /// <c>before → after</c> it moved the ref by. Null for events that may rightly repeat (a re-requested check).
    /// </summary>
    private static string? Fingerprint(WebhookEvent e) => e.Kind switch
    {
        EventKind.Push => $"push {e.Before} {e.Revision} {(e.Deleted ? "deleted" : "")}",
        EventKind.Delete => "delete",
        _ => null,
    };

    /// <summary>The delivery a push or deletion repeats, when it equals the last one received for its ref and that one did not fail.</summary>
    private DeliveryId? ReplayOf(WebhookEvent e) =>
        Fingerprint(e) is { } fingerprint && State.Received.TryGetValue(e.Ref, out var last) && last.Fingerprint == fingerprint &&
        FindRecord(last.Delivery)?.State != DeliveryState.Failed
            ? last.Delivery
            : null;

    private void NoteReceived(WebhookEvent e, DateTimeOffset now)
    {
        State.Repository = e.Repository;
        if (Fingerprint(e) is { } fingerprint)
        {
            State.Received[e.Ref] = new ReceivedRef(fingerprint, e.Delivery, now);

            // Bounded here, where it grows: pushes that are never applied (refused, failed) never reach PruneRefs.
            foreach (var excess in State.Received.Where(r => r.Key != e.Ref).OrderBy(r => r.Value.ReceivedAt).Take(State.Received.Count - options.Value.MaxRefs).ToList())
            {
                State.Received.Remove(excess.Key);
            }
        }
    }

    /// <summary>
    /// Pairs the two deliveries of one deletion: the second of them is the twin of the first, which acts for both.
    /// Pairing on arrival (not by the ref's state when processed) keeps a push that re-creates the branch between
    /// them from being superseded by the late twin. Returns the first delivery's id when this one is its twin.
    /// </summary>
    private DeliveryId? PairDeletion(WebhookEvent e, DateTimeOffset now)
    {
        if (!e.IsDeletion)
        {
            return null;
        }

        // The event's name tells the two deliveries of a deletion apart: a deleting push and a delete event.
        var kind = e.EventType.Name;
        if (State.UnpairedDeletions.TryGetValue(e.Ref, out var first) && first.Fingerprint != kind && first.ReceivedAt >= now - options.Value.DeliveryRetention)
        {
            State.UnpairedDeletions.Remove(e.Ref);
            return first.Delivery;
        }

        State.UnpairedDeletions[e.Ref] = new ReceivedRef(kind, e.Delivery, now);
        foreach (var excess in State.UnpairedDeletions.Where(r => r.Key != e.Ref).OrderBy(r => r.Value.ReceivedAt).Take(State.UnpairedDeletions.Count - options.Value.MaxRefs).ToList())
        {
            State.UnpairedDeletions.Remove(excess.Key);
        }

        return null;
    }

    /// <summary>
    /// A new delivery for a ref whose earlier delivery waits for a retry makes that one be decided again now: a
    /// newer push supersedes it at once instead of after the backoff.
    /// </summary>
    private void TryWaitingDeliveriesOfRefNow(GitRef gitRef, DateTimeOffset now)
    {
        var waiting = State.Inbox.FindIndex(p => p.Event.Ref == gitRef);
        if (waiting >= 0 && State.Inbox[waiting].NotBefore > now)
        {
            State.Inbox[waiting] = State.Inbox[waiting] with { NotBefore = now };
        }
    }

    /// <summary>
    /// Keeps per-ref memory bounded: a deleted ref is remembered for <c>DeliveryRetention</c> (its deletion's twin
    /// delivery must still find it), and beyond <c>MaxRefs</c> deleted refs go first, then the least recently updated.
    /// </summary>
    private void PruneRefs(DateTimeOffset now, GitRef updated)
    {
        var settings = options.Value;
        var cutoff = now - settings.DeliveryRetention;
        foreach (var gone in State.Refs.Values.Where(r => r.LastRevision == WebhookEvent.ZeroRevision && r.UpdatedAt < cutoff).ToList())
        {
            State.Refs.Remove(gone.Ref);
        }

        foreach (var excess in State.Refs.Values.Where(r => r.Ref != updated)
            .OrderBy(r => r.LastRevision == WebhookEvent.ZeroRevision ? 0 : 1).ThenBy(r => r.UpdatedAt)
            .Take(State.Refs.Count - settings.MaxRefs).ToList())
        {
            State.Refs.Remove(excess.Ref);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} for {Repository} {Ref} repeats delivery {Original}: answered duplicate")]
    private static partial void LogReplay(ILogger logger, string repository, string @ref, string deliveryId, string original);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} of {Repository} {Ref} queued again by an operator (re-run {Rerun})")]
    private static partial void LogRetried(ILogger logger, string repository, string @ref, string deliveryId, int rerun);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate delivery {DeliveryId} for {Repository}: already seen")]
    private static partial void LogDuplicate(ILogger logger, string repository, string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Repository} with {Count} pending delivery(ies)")]
    private static partial void LogResuming(ILogger logger, string repository, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository} {Ref} delivery {DeliveryId}: {State} {Reason}")]
    private static partial void LogCompleted(ILogger logger, string repository, string @ref, string deliveryId, DeliveryState state, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing delivery {DeliveryId} of {Repository} failed unexpectedly")]
    private static partial void LogProcessingError(ILogger logger, Exception exception, string repository, string deliveryId);
}
