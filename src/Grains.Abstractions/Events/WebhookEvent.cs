using K8sWebhookHandler.Grains.Identity;

namespace K8sWebhookHandler.Grains.Events;

/// <summary>What the handler keeps of a repository from a payload: its name and the URLs to fetch it from.</summary>
[GenerateSerializer, Immutable, Alias("repository-facts")]
public sealed record RepositoryFacts(
    [property: Id(0)] string FullName,
    [property: Id(1)] string CloneUrl,
    [property: Id(2)] string GitUrl,
    [property: Id(3)] string SshUrl,
    [property: Id(4)] string DefaultBranch);

/// <summary>
/// One GitHub delivery, reduced to the facts the handler acts on. Built by the Api from the raw payload and
/// stored as it is in the repository grain's inbox.
/// </summary>
/// <param name="Delivery">X-GitHub-Delivery.</param>
/// <param name="EventType">X-GitHub-Event: push, delete, check_suite, ...</param>
/// <param name="Action">The payload's action (empty for push and delete).</param>
/// <param name="Ref">Full ref, e.g. <c>refs/heads/main</c>; for check events the suite's head branch.</param>
/// <param name="Revision">The commit the event is about: a push's <c>after</c>, a check suite's <c>head_sha</c>.</param>
/// <param name="Before">A push's <c>before</c>; forty zeros for a new ref.</param>
/// <param name="Rerun">0 for the delivery as GitHub sent it; n for the n-th re-run an operator asked for, which makes new objects.</param>
[GenerateSerializer, Immutable, Alias("webhook-event")]
public sealed record WebhookEvent(
    [property: Id(0)] DeliveryId Delivery,
    [property: Id(1)] string EventType,
    [property: Id(2)] string Action,
    [property: Id(3)] string Ref,
    [property: Id(4)] string Revision,
    [property: Id(5)] string Before,
    [property: Id(6)] bool Created,
    [property: Id(7)] bool Deleted,
    [property: Id(8)] bool Forced,
    [property: Id(9)] RepositoryFacts Repository,
    [property: Id(10)] DateTimeOffset ReceivedAt,
    [property: Id(11)] int Rerun = 0)
{
    public const string ZeroRevision = "0000000000000000000000000000000000000000";

    public bool IsTag => Ref.StartsWith("refs/tags/", StringComparison.Ordinal);

    public bool IsBranch => Ref.StartsWith("refs/heads/", StringComparison.Ordinal);

    /// <summary>A branch or tag deletion: a <c>delete</c> event, or a push with <c>deleted: true</c> (its <c>after</c> is zeros).</summary>
    public bool IsDeletion => EventType == "delete" || (EventType == "push" && (Deleted || Revision == ZeroRevision));

    /// <summary>
    /// The facts a deletion is stamped with, whichever of its two deliveries came first: <c>event_type=delete</c>,
    /// no action, and the pushed-away revision as <c>before</c> when the push brought it.
    /// </summary>
    public WebhookEvent AsDeletion() => this with { EventType = "delete", Action = "", Revision = "" };
}
