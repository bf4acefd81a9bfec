using System.Text.RegularExpressions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.PullRequests;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// Which deliveries the handler acts on by their event, action and ref alone, decided once, on arrival. Everything else
/// is recorded final at once and answered <c>ignored</c>: <c>ignored</c> for an event or action it does not act on (an
/// event not in <c>Handler:Events</c>, a draft pull request, a comment without a command), <c>ignored-ref</c> for a ref
/// that matches <c>Handler:IgnoreRefs</c>. Nothing ignored is fetched, decided or applied. Whether a pull request is
/// trusted, and what a command does, depends on what the repository remembers and is decided by the inbox after this.
/// </summary>
public sealed class EventFilter(DeliveryOptions options, PullRequestOptions pullRequests)
{
    /// <summary>The <c>pull_request</c> actions that run the manifest (or, for an untrusted one, wait for approval).</summary>
    public static readonly IReadOnlySet<string> PullRequestActions = new HashSet<string>(StringComparer.Ordinal)
    {
        "opened", "synchronize", "reopened", "ready_for_review", "closed",
    };

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex? _ignoreRefs = options.IgnoreRefs is { Length: > 0 } pattern
        ? new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout)
        : null;

    /// <summary>Null when the event is acted on; otherwise its final state and why.</summary>
    public (DeliveryState State, string Reason)? Ignore(WebhookEvent e) =>
        IgnoreReason(e) is { } reason ? (DeliveryState.Ignored, reason)
        : IgnoresRef(e.Ref) ? (DeliveryState.IgnoredRef, $"{e.Ref} matches Handler:IgnoreRefs")
        : null;

    /// <summary>Null when the event's type and action are acted on; otherwise why not.</summary>
    public string? IgnoreReason(WebhookEvent e) =>
        e.Kind == EventKind.Ping ? "ping"
        : !ActsOn(e.EventType) ? NotListed(e.EventType)
        : e.Kind switch
        {
            EventKind.Push or EventKind.Delete or EventKind.CheckSuite or EventKind.CheckRun => GitEventReason(e),
            EventKind.PullRequest => PullRequestReason(e),
            EventKind.MergeGroup => e.Action is "checks_requested" or "destroyed" ? null : $"merge_group action '{e.Action}'",
            EventKind.IssueComment => CommentReason(e),
            _ => null,
        };

    /// <inheritdoc cref="DeliveryOptions.ActsOn"/>
    public bool ActsOn(EventType type) => options.ActsOn(type.Name);

    private static string NotListed(EventType type) => type.Kind == EventKind.IssueComment
        ? "issue_comment is acted on only while pull_request is in Handler:Events"
        : $"event '{type}' is not in Handler:Events";

    private static string? GitEventReason(WebhookEvent e) => (e.Kind, e.Action) switch
    {
        (EventKind.Push, _) when e.Ref.IsNone => "push without a ref",
        (EventKind.Push, _) => null,
        (EventKind.Delete, _) when e.Ref.IsBranch || e.Ref.IsTag => null,
        (EventKind.Delete, _) => "delete event without a ref",
        (EventKind.CheckSuite, "requested" or "rerequested") or (EventKind.CheckRun, "rerequested") when e.Revision.Length == 0 => "check event without a head commit",
        // GitHub names no head branch for a suite of a fork's commit (a pull request's): running it would run the fork's
        // own manifest, unapproved. A fork's commit runs only through its pull request.
        (EventKind.CheckSuite, "requested" or "rerequested") or (EventKind.CheckRun, "rerequested") when e.Ref.IsNone =>
            "check event without a head branch (a fork's commit): it runs only through its pull request, after /ok-to-test or with /retest",
        (EventKind.CheckSuite, "requested" or "rerequested") or (EventKind.CheckRun, "rerequested") => null,
        _ => $"{e.EventType} action '{e.Action}'",
    };

    private string? PullRequestReason(WebhookEvent e) => e.PullRequest switch
    {
        _ when !PullRequestActions.Contains(e.Action) => $"pull_request action '{e.Action}'",
        null => "pull_request event without its pull request",
        { Draft: true } when !pullRequests.Drafts && e.Action is "opened" or "synchronize" or "reopened" => "draft: runs once ready for review",
        _ => null,
    };

    private static string? CommentReason(WebhookEvent e) => e.Comment switch
    {
        _ when e.Action != "created" => $"issue_comment action '{e.Action}': only a new comment gives a command",
        null => "issue_comment event without its comment",
        { OnPullRequest: false } c => $"comment on issue #{c.Number}, not on a pull request",
        { Command: CommentCommand.None } c => $"comment on #{c.Number} gives no command (/ok-to-test, /retest)",
        _ => null,
    };

    /// <summary>Whether <c>Handler:IgnoreRefs</c> matches the full ref.</summary>
    private bool IgnoresRef(GitRef gitRef)
    {
        try
        {
            return _ignoreRefs?.IsMatch(gitRef.Value) == true;
        }
        catch (RegexMatchTimeoutException)
        {
            // An expression that backtracks without end on this ref: the operator asked to ignore refs like it.
            return true;
        }
    }
}
