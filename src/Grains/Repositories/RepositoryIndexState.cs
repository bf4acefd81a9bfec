using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// One index shard's stored state: its repositories' summaries, ordered by repository name (ordinal), so that a page
/// is a binary search and a scan. Stored as JSON without type names; <see cref="SchemaVersion"/> says which shape a
/// stored document has.
/// </summary>
public sealed class RepositoryIndexState
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>The shape of the stored document.</summary>
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>The summaries, ordered by repository name.</summary>
    public List<RepositorySummary> Repositories { get; set; } = [];

    /// <summary>
    /// Puts the summary in place of the one held for its repository unless that one is of a newer version (an
    /// announcement overtaken by a later one). False when nothing needs writing: the summary was older, or says the same
    /// as the one held (whose version it still takes, so that an older one arriving later is recognised);
    /// <paramref name="added"/> says whether the repository is new to the shard.
    /// </summary>
    public bool Put(RepositorySummary summary, out bool added)
    {
        var index = IndexOf(summary.Repository);
        added = index < 0;
        if (added)
        {
            Repositories.Insert(~index, summary);
            return true;
        }

        var held = Repositories[index];
        if (held.Version > summary.Version)
        {
            return false;
        }

        Repositories[index] = summary;
        return !held.SameAs(summary);
    }

    /// <summary>The summaries after <paramref name="after"/> in name order that have a delivery in the state, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<RepositorySummary> List(RepositoryKey? after, DeliveryState? state, int limit)
    {
        var start = after is { } key ? IndexOf(key) is var index && index >= 0 ? index + 1 : ~index : 0;
        return Repositories.Skip(start).Where(s => s.Has(state)).Take(limit).ToArray();
    }

    private int IndexOf(RepositoryKey key)
    {
        var (low, high) = (0, Repositories.Count - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(Repositories[middle].Repository.Value, key.Value);
            if (order == 0)
            {
                return middle;
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return ~low;
    }
}
