using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Identity;
using static K8sWebhookHandler.Api.Webhooks.PayloadRules;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>A payload the handler cannot use, with a short reason for the 400 answer.</summary>
public sealed class WebhookPayloadException(string message) : Exception(message);

/// <summary>
/// Reads only what the handler needs from a GitHub payload: the repository, and per event type the ref, the
/// revision and the push flags, each checked against its bounds (<see cref="PayloadRules"/>). Payloads are large
/// and full of nulls; everything else is read past, never kept.
/// </summary>
public static class WebhookParser
{
    /// <summary>Parses a payload; null when it names no repository and is a ping (an organisation hook's ping).</summary>
    public static async Task<WebhookEvent?> ParseAsync(string eventType, DeliveryId delivery, Stream json, DateTimeOffset receivedAt,
        CancellationToken cancellationToken)
    {
        if (!IsWord(eventType))
        {
            throw new WebhookPayloadException("X-GitHub-Event is not [a-z_]{1,64}");
        }

        var fields = await PayloadFields.ReadAsync(json, cancellationToken);
        switch (fields["repository"].Kind)
        {
            case FieldKind.Missing or FieldKind.Null:
                return eventType == "ping" ? null : throw new WebhookPayloadException("the event names no repository");
            case FieldKind.Repeated:
                throw Refused("repository", "appears more than once");
            case not FieldKind.Object:
                throw Refused("repository", "must be an object");
        }

        var repository = Repository(fields);
        var (gitRef, revision, before) = eventType switch
        {
            "push" => (FullRef("ref", RequiredString(fields, "ref")), Revision(fields, "after", required: true), Revision(fields, "before", required: false)),
            "delete" or "create" => (BranchOrTag(fields), "", ""),
            "check_suite" => Suite(fields, "check_suite"),
            "check_run" => Suite(fields, "check_run.check_suite"),
            _ => ("", "", ""),
        };
        var push = eventType == "push";
        return new WebhookEvent(delivery, eventType, Action(fields, eventType), gitRef, revision, before,
            push && Flag(fields, "created"), push && Flag(fields, "deleted"), push && Flag(fields, "forced"), repository, receivedAt);
    }

    /// <summary>Parses a payload held in memory.</summary>
    public static Task<WebhookEvent?> ParseAsync(string eventType, DeliveryId delivery, byte[] json, DateTimeOffset receivedAt,
        CancellationToken cancellationToken) =>
        ParseAsync(eventType, delivery, new MemoryStream(json, writable: false), receivedAt, cancellationToken);

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
    private static string BranchOrTag(PayloadFields fields)
    {
        var name = ShortRef("ref", RequiredString(fields, "ref"));
        return OptionalString(fields, "ref_type") switch
        {
            "branch" => GitRefName.BranchPrefix + name,
            "tag" => GitRefName.TagPrefix + name,
            _ => throw Refused("ref_type", "must be branch or tag"),
        };
    }

    /// <summary>A check suite's head branch (none for some suites, e.g. from forks) and head commit.</summary>
    private static (string Ref, string Revision, string Before) Suite(PayloadFields fields, string suite)
    {
        if (fields[suite].Kind is not FieldKind.Object)
        {
            return fields[suite].Kind is FieldKind.Missing or FieldKind.Null ? ("", "", "") : throw Refused(suite, "must be an object");
        }

        var branch = OptionalString(fields, $"{suite}.head_branch") is { Length: > 0 } name ? GitRefName.BranchPrefix + ShortRef($"{suite}.head_branch", name) : "";
        return (branch, Revision(fields, $"{suite}.head_sha", required: true), Revision(fields, $"{suite}.before", required: false));
    }

    private static bool Flag(PayloadFields fields, string path) => fields[path].Kind switch
    {
        FieldKind.True => true,
        FieldKind.False or FieldKind.Missing or FieldKind.Null => false,
        _ => throw Refused(path, "must be true or false"),
    };
}
