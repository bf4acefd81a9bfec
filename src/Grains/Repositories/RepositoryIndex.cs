using System.Text;
using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>A page of the index: the summaries, and the repository to continue after when there are more.</summary>
public sealed record RepositoryIndexPage(IReadOnlyList<RepositorySummary> Items, RepositoryKey? Next);

/// <summary>
/// The durable index of known repositories, spread over <see cref="Shards"/> <see cref="IRepositoryIndexGrain"/>s by a
/// stable hash of the repository key, so that no one grain carries every repository's announcements.
/// </summary>
public static class RepositoryIndex
{
    /// <summary>
    /// How many shards there are. Fixed: a repository's shard is where its summary is stored, and changing the number
    /// would leave stored summaries in shards nobody reads until their repositories announce again.
    /// </summary>
    public const int Shards = 16;

    /// <summary>The shard a repository's summary lives in: FNV-1a of its key, the same in every process and version.</summary>
    public static int ShardOf(RepositoryKey repository)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(repository.Value))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % Shards);
    }

    /// <summary>The shard grain that holds the repository's summary.</summary>
    public static IRepositoryIndexGrain ShardFor(this IGrainFactory grains, RepositoryKey repository) =>
        grains.GetGrain<IRepositoryIndexGrain>(ShardOf(repository));

    /// <summary>
    /// One page of known repositories in name order after <paramref name="after"/>, with a kept delivery in
    /// <paramref name="state"/> when one is given: every shard is asked for one more than a page, and the answers merged.
    /// </summary>
    public static async Task<RepositoryIndexPage> ListAsync(this IGrainFactory grains, RepositoryKey? after, DeliveryState? state, int limit)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, Shards).Select(shard => grains.GetGrain<IRepositoryIndexGrain>(shard).List(after, state, limit + 1)));
        return Merge(answers, limit);
    }

    /// <summary>The first <paramref name="limit"/> of the shards' answers in name order, and where the next page starts.</summary>
    public static RepositoryIndexPage Merge(IEnumerable<IReadOnlyList<RepositorySummary>> answers, int limit)
    {
        var merged = answers.SelectMany(a => a).OrderBy(s => s.Repository.Value, StringComparer.Ordinal).Take(limit + 1).ToArray();
        return merged.Length > limit
            ? new RepositoryIndexPage(merged[..limit], merged[limit - 1].Repository)
            : new RepositoryIndexPage(merged, null);
    }
}
