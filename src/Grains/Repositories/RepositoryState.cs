using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>A delivery waiting in the inbox, with its retry bookkeeping.</summary>
/// <param name="QueuedAt">When it was (last) queued: retries go on until <c>Handler:RetryFor</c> after it. Absent in
/// documents written before it existed, where the event's arrival stands in.</param>
/// <param name="TwinOf">For a deletion: the other delivery of the same deletion (GitHub sends a <c>delete</c> event
/// and a push with <c>deleted: true</c>) that arrived first and acts for both; this one only records that.</param>
public sealed record PendingDelivery(WebhookEvent Event, int Attempts, DateTimeOffset NotBefore, string? LastError, DateTimeOffset? QueuedAt = null, string? TwinOf = null)
{
    public DateTimeOffset Since => QueuedAt ?? Event.ReceivedAt;
}

/// <summary>The last push or deletion received for a ref: a delivery repeating it under a new id is a replay.</summary>
public sealed record ReceivedRef(string Fingerprint, string Delivery, DateTimeOffset ReceivedAt);

/// <summary>
/// The repository grain's stored state. Stored as JSON without type names; <see cref="SchemaVersion"/> says
/// which shape a stored document has, and a test reads the previous shape back. Fields added since version 1
/// are optional, so version 1 documents load as they are.
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

    /// <summary>Per ref: the last push or deletion received, to answer a replay under a new id as a duplicate.</summary>
    public Dictionary<string, ReceivedRef> Received { get; set; } = [];

    /// <summary>
    /// Per ref: a deletion received as one kind (<c>delete</c> event or deleting push) whose other delivery has not
    /// come yet. The two are paired on arrival, whatever comes between them.
    /// </summary>
    public Dictionary<string, ReceivedRef> UnpairedDeletions { get; set; } = [];

    /// <summary>The repository's facts from its latest delivery, with which a recorded delivery can be run again.</summary>
    public RepositoryFacts? Repository { get; set; }
}

/// <summary>Names of the grain storage providers.</summary>
public static class StorageNames
{
    public const string Repositories = "repositories";
}
