using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using static K8sWebhookHandler.Api.Webhooks.PayloadRules;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>A payload the handler cannot use, with a short reason for the 400 answer.</summary>
public sealed class WebhookPayloadException(string message) : Exception(message);

/// <summary>
/// Reads only what the handler needs from a GitHub payload: the repository, and per event type the ref, the
/// revision and the push flags (<see cref="EventTargets"/>), a pull request's or a comment's facts
/// (<see cref="PullRequestPayload"/>) and a dispatch's client payload, each checked against its bounds
/// (<see cref="PayloadRules"/>) and typed here, once: the repository's key, the <see cref="GitRef"/>, the
/// <see cref="EventType"/>. Payloads are large and full of nulls; everything else is read past, never kept.
/// </summary>
public static class WebhookParser
{
    /// <summary>The refusal of an <c>X-GitHub-Event</c> that is no event name.</summary>
    public const string EventTypeRule = "X-GitHub-Event is not [a-z_]{1,64}";

    /// <summary>Parses a payload of the event named <paramref name="eventName"/>; null as <see cref="ParseAsync(EventType, DeliveryId, Stream, DateTimeOffset, CancellationToken)"/>.</summary>
    public static Task<WebhookEvent?> ParseAsync(string eventName, DeliveryId delivery, Stream json, DateTimeOffset receivedAt,
        CancellationToken cancellationToken) =>
        EventType.TryParse(eventName, out var eventType)
            ? ParseAsync(eventType, delivery, json, receivedAt, cancellationToken)
            : throw new WebhookPayloadException(EventTypeRule);

    /// <summary>Parses a payload; null when it names no repository and is a ping (an organisation hook's ping).</summary>
    public static async Task<WebhookEvent?> ParseAsync(EventType eventType, DeliveryId delivery, Stream json, DateTimeOffset receivedAt,
        CancellationToken cancellationToken)
    {
        var fields = await PayloadFields.ReadAsync(json, cancellationToken);
        if (!ObjectOrAbsent(fields, "repository"))
        {
            return eventType.Kind == EventKind.Ping ? null : throw new WebhookPayloadException("the event names no repository");
        }

        var repository = Repository(fields);
        var kind = eventType.Kind;
        var action = Action(fields, eventType);
        var target = EventTargets.Of(kind, action, fields);
        var push = kind == EventKind.Push;
        return new WebhookEvent(delivery, eventType, action, target.Ref, target.Revision, target.Before,
            push && Flag(fields, "created"), push && Flag(fields, "deleted"), push && Flag(fields, "forced"), repository, receivedAt)
        {
            Installation = Installation(fields),
            PullRequest = kind == EventKind.PullRequest ? PullRequestPayload.Facts(fields) : null,
            Comment = kind == EventKind.IssueComment ? PullRequestPayload.Comment(fields) : null,
            ClientPayload = kind == EventKind.RepositoryDispatch ? ClientPayload(fields) : null,
        };
    }

    /// <summary>Parses a payload held in memory.</summary>
    public static Task<WebhookEvent?> ParseAsync(string eventName, DeliveryId delivery, byte[] json, DateTimeOffset receivedAt,
        CancellationToken cancellationToken) =>
        ParseAsync(eventName, delivery, new MemoryStream(json, writable: false), receivedAt, cancellationToken);

    private static RepositoryFacts Repository(PayloadFields fields)
    {
        var fullName = RepositoryName(fields, "repository.full_name");
        var defaultBranch = OptionalString(fields, "repository.default_branch") is { } branch ? ShortRef("repository.default_branch", branch) : "main";
        return new RepositoryFacts(fullName, Url(fields, "repository.clone_url"), Url(fields, "repository.git_url"), Url(fields, "repository.ssh_url"), defaultBranch);
    }

    /// <summary>
    /// A <c>repository_dispatch</c>'s <c>client_payload</c> as compact JSON (bounded while it is read, see
    /// <see cref="PayloadPaths.ClientPayload"/>); null when there is none.
    /// </summary>
    private static string? ClientPayload(PayloadFields fields) =>
        ObjectOrAbsent(fields, PayloadPaths.ClientPayload) ? fields[PayloadPaths.ClientPayload].Text : null;
}
