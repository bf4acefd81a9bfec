using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Abstractions.Inspection;

/// <summary>A repository grain's state as the inspection endpoint shows it.</summary>
[GenerateSerializer, Immutable, Alias("repository-snapshot")]
public sealed record RepositorySnapshot(
    [property: Id(0)] RepositoryKey Repository,
    [property: Id(1)] int Pending,
    [property: Id(2)] IReadOnlyList<DeliveryRecord> Deliveries,
    [property: Id(3)] IReadOnlyList<RefRecord> Refs);
