using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>What the inbox remembers, each kept bounded: delivery ids, records, the last push per ref, unpaired deletions.</summary>
public sealed partial class Inbox
{
    /// <summary>
    /// Adds a record; beyond <c>HistoryLimit</c> the oldest go, failed and awaiting ones last, pending ones never. Usually one record
    /// goes, found by a walk from the oldest: no sort on every acknowledgement.
    /// </summary>
    private void AddRecord(DeliveryRecord record)
    {
        State.History.Add(record);
        var excess = State.History.Count - options.HistoryLimit;
        if (excess <= 0)
        {
            return;
        }

        var pending = State.Inbox.Select(p => p.Event.Delivery).ToHashSet();

        // Failed records go last: they are what a redelivery or an operator's retry brings back; so do those awaiting
        // approval, which an /ok-to-test queues again.
        excess -= RemoveOldestRecords(excess, r => r.State is not (DeliveryState.Failed or DeliveryState.AwaitingApproval) && !pending.Contains(r.Delivery));
        RemoveOldestRecords(excess, r => !pending.Contains(r.Delivery));
    }

    private int RemoveOldestRecords(int count, Predicate<DeliveryRecord> removable)
    {
        var removed = 0;
        for (var index = 0; removed < count && (index = State.History.FindIndex(index, removable)) >= 0; removed++)
        {
            ForgetReported(State.History[index].Delivery);
            State.History.RemoveAt(index);
        }

        return removed;
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

    /// <summary>
    /// Whether the id was seen within <c>DeliveryRetention</c>. An older entry counts as forgotten at once, though the
    /// set is pruned only now and then (<see cref="ForgetOldDeliveries"/>).
    /// </summary>
    private bool Remembers(DeliveryId id, DateTimeOffset now) =>
        State.Seen.TryGetValue(id, out var seenAt) && seenAt >= now - options.DeliveryRetention;

    /// <summary>
    /// Keeps the set bounded before an id is added. At <c>MaxRememberedDeliveries</c> it forgets expired ids and then the
    /// oldest, a sixty-fourth of the limit at once (at least one), so that the pass over all the ids is made once per
    /// that many deliveries, not for each: an acknowledgement costs about the same whether the repository remembers ten
    /// ids or ten thousand, and the set holds between 63/64 of the limit and the limit. Every 256 ids below the limit
    /// it forgets expired ones early.
    /// </summary>
    private void ForgetOldDeliveries(DateTimeOffset now)
    {
        var limit = options.MaxRememberedDeliveries;
        if (State.Seen.Count < limit && State.Seen.Count % 256 != 0)
        {
            return;
        }

        var cutoff = now - options.DeliveryRetention;
        foreach (var expired in State.Seen.Where(s => s.Value < cutoff).Select(s => s.Key).ToList())
        {
            State.Seen.Remove(expired);
        }

        if (State.Seen.Count < limit)
        {
            return;
        }

        // The oldest go first, and of ids seen at the same instant the greatest name: never the dictionary's order.
        foreach (var id in Oldest(State.Seen, State.Seen.Count - limit + Math.Max(1, limit / 64)))
        {
            State.Seen.Remove(id);
        }
    }

    /// <summary>
    /// The <paramref name="count"/> ids seen longest ago, ties going to the greatest name, chosen in one pass: a heap
    /// holds the oldest found so far with the newest of them on top, so most ids cost one comparison, not a sort.
    /// </summary>
    private static List<DeliveryId> Oldest(Dictionary<DeliveryId, DateTimeOffset> seen, int count)
    {
        var oldest = new PriorityQueue<DeliveryId, (DateTimeOffset At, string Name)>(count, NewestOnTop);
        foreach (var (id, at) in seen)
        {
            if (oldest.Count < count)
            {
                oldest.Enqueue(id, (at, id.Value));
            }
            else if (oldest.TryPeek(out _, out var top) && NewestOnTop.Compare((at, id.Value), top) > 0)
            {
                oldest.EnqueueDequeue(id, (at, id.Value));
            }
        }

        return oldest.UnorderedItems.Select(i => i.Element).ToList();
    }

    /// <summary>Newer first; of equal instants, the smaller name first (the one to keep longest).</summary>
    private static readonly Comparer<(DateTimeOffset At, string Name)> NewestOnTop = Comparer<(DateTimeOffset At, string Name)>.Create((a, b) =>
        b.At.CompareTo(a.At) is var byTime and not 0 ? byTime : string.CompareOrdinal(a.Name, b.Name));

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
        Find(last.Delivery)?.State != DeliveryState.Failed
            ? last.Delivery
            : null;

    private void NoteReceived(WebhookEvent e, DateTimeOffset now)
    {
        State.Repository = e.Repository;
        if (Fingerprint(e) is { } fingerprint)
        {
            State.Received[e.Ref] = new ReceivedRef(fingerprint, e.Delivery, now);

            // Bounded here, where it grows: pushes that are never applied (refused, failed) never reach PruneRefs.
            KeepNewest(State.Received, e.Ref);
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
        if (State.UnpairedDeletions.TryGetValue(e.Ref, out var first) && first.Fingerprint != kind && first.ReceivedAt >= now - options.DeliveryRetention)
        {
            State.UnpairedDeletions.Remove(e.Ref);
            return first.Delivery;
        }

        State.UnpairedDeletions[e.Ref] = new ReceivedRef(kind, e.Delivery, now);
        KeepNewest(State.UnpairedDeletions, e.Ref);
        return null;
    }

    /// <summary>
    /// Beyond <c>MaxRefs</c> entries, forgets the least recently received refs other than the one just noted. Ties go
    /// by name, never by the dictionary's order, which differs once a state has been written and read back.
    /// </summary>
    private void KeepNewest(Dictionary<GitRef, ReceivedRef> byRef, GitRef noted)
    {
        foreach (var excess in byRef.Where(r => r.Key != noted).OrderBy(r => r.Value.ReceivedAt).ThenBy(r => r.Key.Value, StringComparer.Ordinal)
            .Take(byRef.Count - options.MaxRefs).ToList())
        {
            byRef.Remove(excess.Key);
        }
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
}
