using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using Orleans.Concurrency;

namespace K8sWebhookHandler.Abstractions;

/// <summary>
/// One shard of the durable index of known repositories, keyed by its number: the repositories whose key hashes to it,
/// each with the summary its repository grain last announced. Listing the repositories asks every shard and merges.
/// </summary>
[Alias("repository-index-grain")]
public interface IRepositoryIndexGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The repository's current summary, replacing the one held. One-way: the repository grain never waits for the
    /// index, and a summary lost on the way is replaced by the repository's next announcement.
    /// </summary>
    [OneWay, Alias("announce")]
    Task Announce(RepositorySummary summary);

    /// <summary>
    /// The shard's repositories ordered by name after <paramref name="after"/> (from the first when null) that have a
    /// kept delivery in <paramref name="state"/> (any when null), at most <paramref name="limit"/>.
    /// </summary>
    [ReadOnly, Alias("list")]
    Task<IReadOnlyList<RepositorySummary>> List(RepositoryKey? after, DeliveryState? state, int limit);
}
