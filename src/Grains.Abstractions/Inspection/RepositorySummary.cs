using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Abstractions.Inspection;

/// <summary>
/// One repository as the index of known repositories holds it: how many of its kept delivery records are in each
/// state (states with none are left out), when the newest of them arrived or finished, and the version of the
/// repository's journal it was counted at: announcements may arrive out of order, and the index keeps the newest.
/// </summary>
[GenerateSerializer, Immutable, Alias("repository-summary")]
public sealed record RepositorySummary(
    [property: Id(0)] RepositoryKey Repository,
    [property: Id(1)] IReadOnlyDictionary<DeliveryState, int> Counts,
    [property: Id(2)] DateTimeOffset LastActivity,
    [property: Id(3)] long Version = 0)
{
    /// <summary>Whether the two say the same: the same repository, counts and last activity, at any version.</summary>
    public bool SameAs(RepositorySummary? other) =>
        other is not null && other.Repository == Repository && other.LastActivity == LastActivity
        && other.Counts.Count == Counts.Count && Counts.All(c => other.Counts.TryGetValue(c.Key, out var n) && n == c.Value);

    /// <summary>Whether at least one kept delivery is in <paramref name="state"/>; any state matches null.</summary>
    public bool Has(DeliveryState? state) => state is not { } wanted || Counts.GetValueOrDefault(wanted) > 0;
}
