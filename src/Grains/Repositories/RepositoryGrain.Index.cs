using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>What the inspection API reads of the repository, and its place in the index of known repositories.</summary>
public sealed partial class RepositoryGrain
{
    // What the index shard was last told by this activation: an unchanged summary is not sent again.
    private RepositorySummary? _announced;

    public Task<IReadOnlyList<DeliveryRecord>> Deliveries(DeliveryQuery query) => Task.FromResult(Inbox.Deliveries(query));

    public Task<IReadOnlyList<RefRecord>> Refs() => Task.FromResult(Inbox.Refs());

    public async Task<bool> Knows(DeliveryId delivery)
    {
        await Journal.EnsureCertainAsync();
        return Inbox.Knows(delivery);
    }

    /// <summary>
    /// Tells the repository's index shard its summary when it changed since this activation last did: on activation,
    /// so that a summary lost on the way heals, and after every write of the journal, stamped with the journal's version
    /// so that the shard keeps the newest whatever order they arrive in. The call is one-way and never
    /// awaited, so that no acknowledgement waits for the index; it costs counting the kept records (at most
    /// <c>Handler:HistoryLimit</c> and the pending ones) once per write.
    /// </summary>
    private void Announce()
    {
        var key = RepositoryKey.Parse(Repository);
        if (Inbox.Summary(key) is not { } summary || summary.SameAs(_announced))
        {
            return;
        }

        _announced = summary;
        _ = GrainFactory.ShardFor(key).Announce(summary with { Version = Journal.Version });
    }
}
