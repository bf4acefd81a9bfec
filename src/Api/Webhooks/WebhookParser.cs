using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using static K8sWebhookHandler.Api.Webhooks.PayloadRules;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>A payload the handler cannot use, with a short reason for the 400 answer.</summary>
public sealed class WebhookPayloadException(string message) : Exception(message);

/// <summary>
/// Reads only what the handler needs from a GitHub payload: the repository, and per event type the ref, the
/// revision and the push flags, each checked against its bounds (<see cref="PayloadRules"/>) and typed here, once:
/// the repository's key, the <see cref="GitRef"/>, the <see cref="EventType"/>. Payloads are large and full of
/// nulls; everything else is read past, never kept.
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
        switch (fields["repository"].Kind)
        {
            case FieldKind.Missing or FieldKind.Null:
                return eventType.Kind == EventKind.Ping ? null : throw new WebhookPayloadException("the event names no repository");
            case FieldKind.Repeated:
                throw Refused("repository", "appears more than once");
            case not FieldKind.Object:
                throw Refused("repository", "must be an object");
        }

        var repository = Repository(fields);
        var (gitRef, revision, before) = eventType.Kind switch
        {
            EventKind.Push => (FullRef("ref", RequiredString(fields, "ref")), Revision(fields, "after", required: true), Revision(fields, "before", required: false)),
            EventKind.Delete or EventKind.Create => (BranchOrTag(fields), "", ""),
            EventKind.CheckSuite => Suite(fields, "check_suite"),
            EventKind.CheckRun => Suite(fields, "check_run.check_suite"),
            _ => (GitRef.None, "", ""),
        };
        var push = eventType.Kind == EventKind.Push;
        return new WebhookEvent(delivery, eventType, Action(fields, eventType), gitRef, revision, before,
            push && Flag(fields, "created"), push && Flag(fields, "deleted"), push && Flag(fields, "forced"), repository, receivedAt)
        {
            Installation = Installation(fields),
        };
    }

    /// <summary>Parses a payload held in memory.</summary>
    public static Task<WebhookEvent?> ParseAsync(string eventName, DeliveryId delivery, byte[] json, DateTimeOffset receivedAt,
        CancellationToken cancellationToken) =>
        ParseAsync(eventName, delivery, new MemoryStream(json, writable: false), receivedAt, cancellationToken);

    private static RepositoryFacts Repository(PayloadFields fields)
    {
        var fullName = RequiredString(fields, "repository.full_name");
        if (!RepositoryKey.TryParse(fullName, out _))
        {
            throw Refused("repository.full_name", "is not owner/name: ASCII letters, digits and '-' or '_' (at most 39) / letters, digits, '.', '-' or '_' (at most 100)");
        }

        var defaultBranch = OptionalString(fields, "repository.default_branch") is { } branch ? ShortRef("repository.default_branch", branch) : "main";
        return new RepositoryFacts(fullName, Url(fields, "repository.clone_url"), Url(fields, "repository.git_url"), Url(fields, "repository.ssh_url"), defaultBranch);
    }

    /// <summary>A <c>delete</c> or <c>create</c> event names the branch or tag by its short name and <c>ref_type</c>.</summary>
    private static GitRef BranchOrTag(PayloadFields fields)
    {
        var name = ShortRef("ref", RequiredString(fields, "ref"));
        return OptionalString(fields, "ref_type") switch
        {
            "branch" => GitRef.Branch(name),
            "tag" => GitRef.Tag(name),
            _ => throw Refused("ref_type", "must be branch or tag"),
        };
    }

    /// <summary>A check suite's head branch (none for some suites, e.g. from forks) and head commit.</summary>
    private static (GitRef Ref, string Revision, string Before) Suite(PayloadFields fields, string suite)
    {
        if (fields[suite].Kind is not FieldKind.Object)
        {
            return fields[suite].Kind is FieldKind.Missing or FieldKind.Null ? (GitRef.None, "", "") : throw Refused(suite, "must be an object");
        }

        var branch = OptionalString(fields, $"{suite}.head_branch") is { Length: > 0 } name ? GitRef.Branch(ShortRef($"{suite}.head_branch", name)) : GitRef.None;
        return (branch, Revision(fields, $"{suite}.head_sha", required: true), Revision(fields, $"{suite}.before", required: false));
    }

    private static bool Flag(PayloadFields fields, string path) => fields[path].Kind switch
    {
        FieldKind.True => true,
        FieldKind.False or FieldKind.Missing or FieldKind.Null => false,
        _ => throw Refused(path, "must be true or false"),
    };
}
