using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>What the inspection API reads of the inbox: pages of deliveries, and the summary the index holds.</summary>
public sealed partial class Inbox
{
    /// <summary>
    /// The kept deliveries matching the query, newest first, after its cursor: after the cursor's delivery while that
    /// record is kept, otherwise after every delivery that arrived at or after the cursor's time.
    /// </summary>
    public IReadOnlyList<DeliveryRecord> Deliveries(DeliveryQuery query)
    {
        IEnumerable<DeliveryRecord> newestFirst = State.History.AsEnumerable().Reverse();
        if (query.After is { } after)
        {
            newestFirst = State.History.Exists(r => r.Delivery == after.Delivery)
                ? newestFirst.SkipWhile(r => r.Delivery != after.Delivery).Skip(1)
                : newestFirst.Where(r => r.ReceivedAt < after.ReceivedAt);
        }

        return newestFirst.Where(query.Matches).Take(query.Limit).ToArray();
    }

    /// <summary>Whether the delivery id is one the repository remembers receiving (within <c>Handler:DeliveryRetention</c>).</summary>
    public bool Knows(DeliveryId delivery) => Remembers(delivery, time.GetUtcNow());

    /// <summary>The refs the repository remembers, by name.</summary>
    public IReadOnlyList<RefRecord> Refs() => State.Refs.Values.OrderBy(r => r.Ref).ToArray();

    /// <summary>
    /// The repository's kept deliveries counted by state, and when the newest of them arrived or finished; null while
    /// none is kept (a repository nobody has sent anything is not a known repository).
    /// </summary>
    public RepositorySummary? Summary(RepositoryKey repository)
    {
        if (State.History.Count == 0)
        {
            return null;
        }

        // In the states' order, so that the index and the API answer the same counts the same way.
        var counts = State.History.CountBy(r => r.State).OrderBy(c => c.Key).ToDictionary(c => c.Key, c => c.Value);
        var lastActivity = State.History.Max(r => r.CompletedAt is { } completed && completed > r.ReceivedAt ? completed : r.ReceivedAt);
        return new RepositorySummary(repository, counts, lastActivity);
    }
}
