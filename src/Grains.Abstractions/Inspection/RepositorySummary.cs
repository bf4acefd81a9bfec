using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Abstractions.Inspection;

/// <summary>
/// One repository as the index of known repositories holds it: how many of its kept delivery records are in each
/// state (states with none are left out), and when the newest of them arrived or finished.
/// </summary>
[GenerateSerializer, Immutable, Alias("repository-summary")]
public sealed record RepositorySummary(
    [property: Id(0)] RepositoryKey Repository,
    [property: Id(1)] IReadOnlyDictionary<DeliveryState, int> Counts,
    [property: Id(2)] DateTimeOffset LastActivity)
{
    /// <summary>Whether the two say the same: the same repository, counts and last activity.</summary>
    public bool SameAs(RepositorySummary? other) =>
        other is not null && other.Repository == Repository && other.LastActivity == LastActivity
        && other.Counts.Count == Counts.Count && Counts.All(c => other.Counts.TryGetValue(c.Key, out var n) && n == c.Value);

    /// <summary>Whether at least one kept delivery is in <paramref name="state"/>; any state matches null.</summary>
    public bool Has(DeliveryState? state) => state is not { } wanted || Counts.GetValueOrDefault(wanted) > 0;
}
