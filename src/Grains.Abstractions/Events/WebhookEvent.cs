using System.Text.Json.Serialization;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Abstractions.Events;

/// <summary>
/// What the handler keeps of a repository from a payload: its name as GitHub spells it (shown, and stamped as the
/// <c>repo_name</c> annotation), its canonical <see cref="Key"/> (made here, once), and the URLs to fetch it from.
/// </summary>
[GenerateSerializer, Immutable, Alias("repository-facts")]
public sealed record RepositoryFacts
{
    /// <summary>Throws <see cref="FormatException"/> when <paramref name="fullName"/> is not a repository name.</summary>
    public RepositoryFacts(string fullName, string cloneUrl, string gitUrl, string sshUrl, string defaultBranch)
    {
        Key = RepositoryKey.Parse(fullName);
        FullName = fullName;
        CloneUrl = cloneUrl;
        GitUrl = gitUrl;
        SshUrl = sshUrl;
        DefaultBranch = defaultBranch;
    }

    /// <summary>The payload's <c>full_name</c>, exactly: <c>Octo/Hello</c>.</summary>
    [Id(0)]
    public string FullName { get; }

    [Id(1)]
    public string CloneUrl { get; init; }

    [Id(2)]
    public string GitUrl { get; init; }

    [Id(3)]
    public string SshUrl { get; init; }

    /// <summary>The default branch's short name, e.g. <c>main</c>.</summary>
    [Id(4)]
    public string DefaultBranch { get; init; }

    /// <summary>
    /// The repository's canonical key, made from <see cref="FullName"/> with the facts (so the two always agree). Stored
    /// since schema version 2; a version-1 document, which lacks it, gets it the same way when it is read.
    /// </summary>
    [Id(5)]
    public RepositoryKey Key { get; }
}

/// <summary>
/// One GitHub delivery, reduced to the facts the handler acts on. Built by the Api from the raw payload and
/// stored as it is in the repository grain's inbox.
/// </summary>
/// <param name="Delivery">X-GitHub-Delivery.</param>
/// <param name="EventType">X-GitHub-Event: push, delete, check_suite, ...</param>
/// <param name="Action">The payload's action (empty for push and delete).</param>
/// <param name="Ref">The ref, e.g. <c>refs/heads/main</c>; for check events the suite's head branch, or none.</param>
/// <param name="Revision">The commit the event is about: a push's <c>after</c>, a check suite's or merge group's
/// <c>head_sha</c>, a pull request's head sha; empty when the event names only a ref (a dispatch), whose tip is then read.</param>
/// <param name="Before">A push's <c>before</c>; forty zeros for a new ref.</param>
/// <param name="Rerun">0 for the delivery as GitHub sent it; n for the n-th re-run an operator asked for, which makes new objects.</param>
[GenerateSerializer, Immutable, Alias("webhook-event")]
public sealed record WebhookEvent(
    [property: Id(0)] DeliveryId Delivery,
    [property: Id(1)] EventType EventType,
    [property: Id(2)] string Action,
    [property: Id(3)] GitRef Ref,
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

    /// <summary>
    /// The GitHub App installation the event came through (the payload's <c>installation.id</c>), or null for a
    /// repository or organisation webhook: what the handler asks an installation token for, to read the repository
    /// and report to it. Not written when there is none, so that stored events from before it read and write back
    /// unchanged.
    /// </summary>
    [Id(12)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Installation { get; init; }

    /// <summary>For a <c>pull_request</c> event, its pull request; null for every other event (and not written).</summary>
    [Id(13)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PullRequestFacts? PullRequest { get; init; }

    /// <summary>For an <c>issue_comment</c> event, the comment's command and author; null otherwise (and not written).</summary>
    [Id(14)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CommentFacts? Comment { get; init; }

    /// <summary>
    /// For a <c>repository_dispatch</c>, its <c>client_payload</c> as compact JSON, at most
    /// <see cref="MaxClientPayloadBytes"/> UTF-8 bytes; null otherwise (and not written).
    /// </summary>
    [Id(15)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientPayload { get; init; }

    /// <summary>The largest <see cref="ClientPayload"/> kept (8 KiB): a larger one refuses the delivery.</summary>
    public const int MaxClientPayloadBytes = 8 * 1024;

    /// <summary>What the handler knows the event as (derived, so not stored).</summary>
    [JsonIgnore]
    public EventKind Kind => EventType.Kind;

    /// <summary>A branch or tag deletion: a <c>delete</c> event, or a push with <c>deleted: true</c> (its <c>after</c> is zeros).</summary>
    public bool IsDeletion => Kind == EventKind.Delete || (Kind == EventKind.Push && (Deleted || Revision == ZeroRevision));

    /// <summary>
    /// The facts a deletion is stamped with, whichever of its two deliveries came first: <c>event_type=delete</c>,
    /// no action, and the pushed-away revision as <c>before</c> when the push brought it.
    /// </summary>
    public WebhookEvent AsDeletion() => this with { EventType = EventType.Delete, Action = "", Revision = "" };
}
