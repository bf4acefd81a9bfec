using System.Text.Json.Serialization;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>A delivery waiting in the inbox, with its retry bookkeeping.</summary>
/// <param name="QueuedAt">When it was (last) queued: retries go on until <c>Handler:RetryFor</c> after it. Absent in
/// documents written before it existed, where the event's arrival stands in.</param>
/// <param name="TwinOf">For a deletion: the other delivery of the same deletion (GitHub sends a <c>delete</c> event
/// and a push with <c>deleted: true</c>) that arrived first and acts for both; this one only records that.</param>
public sealed record PendingDelivery(WebhookEvent Event, int Attempts, DateTimeOffset NotBefore, string? LastError, DateTimeOffset? QueuedAt = null, DeliveryId? TwinOf = null)
{
    public DateTimeOffset Since => QueuedAt ?? Event.ReceivedAt;
}

/// <summary>The last push or deletion received for a ref: a delivery repeating it under a new id is a replay.</summary>
public sealed record ReceivedRef(string Fingerprint, DeliveryId Delivery, DateTimeOffset ReceivedAt);

/// <summary>
/// The repository grain's stored state. Stored as JSON without type names; <see cref="SchemaVersion"/> says
/// which shape a stored document has, and tests read the previous shapes back. Fields added since version 1
/// are optional, so version 1 documents load as they are.
/// </summary>
/// <remarks>
/// Version 2 stores each event's repository with its canonical key (<see cref="RepositoryFacts.Key"/>); in a
/// version-1 document it is missing and made from the full name as the document is read. Ids, refs and event types
/// are typed in memory (<see cref="DeliveryId"/>, <see cref="GitRef"/>, <see cref="EventType"/>) and written as the
/// same strings as before, also as dictionary keys.
/// </remarks>
public sealed class RepositoryState : IJsonOnSerializing
{
    public const int CurrentSchemaVersion = 2;

    /// <summary>
    /// The shape of the document this state was last read from or written as: a state read from an older document
    /// says so until it is written, and it is always written as <see cref="CurrentSchemaVersion"/>.
    /// </summary>
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>Deliveries accepted and not yet processed, in arrival order.</summary>
    public List<PendingDelivery> Inbox { get; set; } = [];

    /// <summary>Delivery ids seen, with when, for dedupe within the retention.</summary>
    public Dictionary<DeliveryId, DateTimeOffset> Seen { get; set; } = [];

    /// <summary>Recent deliveries and their outcomes, oldest first.</summary>
    public List<DeliveryRecord> History { get; set; } = [];

    /// <summary>Per ref: what was last applied for it.</summary>
    public Dictionary<GitRef, RefRecord> Refs { get; set; } = [];

    /// <summary>Per ref: the last push or deletion received, to answer a replay under a new id as a duplicate.</summary>
    public Dictionary<GitRef, ReceivedRef> Received { get; set; } = [];

    /// <summary>
    /// Per ref: a deletion received as one kind (<c>delete</c> event or deleting push) whose other delivery has not
    /// come yet. The two are paired on arrival, whatever comes between them.
    /// </summary>
    public Dictionary<GitRef, ReceivedRef> UnpairedDeletions { get; set; } = [];

    /// <summary>The repository's facts from its latest delivery, with which a recorded delivery can be run again.</summary>
    public RepositoryFacts? Repository { get; set; }

    /// <summary>Reports written down and not yet accepted by GitHub, in the order they are sent.</summary>
    public List<OutboxEntry> Outbox { get; set; } = [];

    /// <summary>Per reported Workflow (<c>namespace/name</c>), as long as its delivery's record is kept.</summary>
    public Dictionary<string, ObjectReport> Reported { get; set; } = [];

    /// <summary>The sequence number the next report gets.</summary>
    public long NextReport { get; set; } = 1;

    /// <summary>
    /// Per open pull request (by number): its latest delivery, approvals and whether it ran. Absent in documents written
    /// before pull requests were acted on, which load with none.
    /// </summary>
    public Dictionary<int, PullRequestState> PullRequests { get; set; } = [];

    void IJsonOnSerializing.OnSerializing() => SchemaVersion = CurrentSchemaVersion;
}

/// <summary>Names of the grain storage providers.</summary>
public static class StorageNames
{
    public const string Repositories = "repositories";
}
