using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>A delivery waiting in the inbox, with its retry bookkeeping.</summary>
public sealed record PendingDelivery(WebhookEvent Event, int Attempts, DateTimeOffset NotBefore, string? LastError);

/// <summary>
/// The repository grain's stored state. Stored as JSON without type names; <see cref="SchemaVersion"/> says
/// which shape a stored document has, and a test reads the previous shape back.
/// </summary>
public sealed class RepositoryState
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>Deliveries accepted and not yet processed, in arrival order.</summary>
    public List<PendingDelivery> Inbox { get; set; } = [];

    /// <summary>Delivery ids seen, with when, for dedupe within the retention.</summary>
    public Dictionary<string, DateTimeOffset> Seen { get; set; } = [];

    /// <summary>Recent deliveries and their outcomes, oldest first.</summary>
    public List<DeliveryRecord> History { get; set; } = [];

    /// <summary>Per ref: what was last applied for it.</summary>
    public Dictionary<string, RefRecord> Refs { get; set; } = [];
}

/// <summary>Names of the grain storage providers.</summary>
public static class StorageNames
{
    public const string Repositories = "repositories";
}
