using System.Diagnostics.CodeAnalysis;
using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>
/// Which fields of a payload <see cref="PayloadFields"/> keeps, by dotted path, and how much of each: the objects it
/// reads into, the strings, numbers and flags it keeps, and the one object it keeps whole (a dispatch's
/// <c>client_payload</c>). Everything else is read past.
/// </summary>
internal static class PayloadPaths
{
    /// <summary>The comment whose lines are scanned for commands (<c>/ok-to-test</c>, <c>/retest</c>).</summary>
    public const string CommentBody = "comment.body";

    /// <summary>The object a <c>repository_dispatch</c> carries for the manifest, kept whole as compact JSON.</summary>
    public const string ClientPayload = "client_payload";

    /// <summary>
    /// Longest raw (still escaped) comment body kept: GitHub caps a comment at 65,536 characters, and each may be
    /// written as a six-byte <c>\uXXXX</c> escape. A body is only scanned for command lines, so it gets this cap of its
    /// own rather than being cut at <see cref="PayloadFields.MaxRawStringBytes"/> (a command on the last line of a long
    /// comment still counts); a longer one cannot come from GitHub and is refused, never half read.
    /// </summary>
    public const int MaxCommentBodyRawBytes = 65_536 * 6;

    /// <summary>Deepest nesting inside <c>client_payload</c> (the object itself is level 1).</summary>
    public const int MaxClientPayloadDepth = 32;

    /// <summary>Objects the handler reads into. Any other object is read past (and recorded only if it is a wanted leaf).</summary>
    public static readonly HashSet<string> Containers =
    [
        "repository", "installation", "check_suite", "check_run", "check_run.check_suite",
        "pull_request", "pull_request.head", "pull_request.head.repo", "pull_request.base", "pull_request.user",
        "issue", "issue.pull_request", "comment", "comment.user",
        "merge_group", "release", "deployment", ClientPayload,
    ];

    /// <summary>Strings, numbers and flags the handler keeps.</summary>
    public static readonly HashSet<string> Leaves =
    [
        "action", "ref", "ref_type", "after", "before", "created", "deleted", "forced", "branch",
        "repository.full_name", "repository.clone_url", "repository.git_url", "repository.ssh_url", "repository.default_branch",
        "installation.id",
        "check_suite.head_branch", "check_suite.head_sha", "check_suite.before",
        "check_run.check_suite.head_branch", "check_run.check_suite.head_sha", "check_run.check_suite.before",
        "pull_request.number", "pull_request.head.ref", "pull_request.head.sha", "pull_request.head.repo.full_name",
        "pull_request.base.ref", "pull_request.base.sha", "pull_request.user.login", "pull_request.author_association",
        "pull_request.draft", "pull_request.merge_commit_sha",
        "issue.number", CommentBody, "comment.user.login", "comment.author_association",
        "merge_group.head_ref", "merge_group.head_sha", "merge_group.base_sha",
        "release.tag_name", "release.target_commitish",
        "deployment.ref", "deployment.sha",
    ];

    /// <summary>Whether a field at <paramref name="path"/> is recorded at all.</summary>
    public static bool IsWanted([NotNullWhen(true)] string? path) => path is not null && (Leaves.Contains(path) || Containers.Contains(path));

    /// <summary>Longest raw string kept at a wanted leaf.</summary>
    public static int MaxRawBytes(string path) => path == CommentBody ? MaxCommentBodyRawBytes : PayloadFields.MaxRawStringBytes;

    /// <summary>The object kept whole at <paramref name="path"/>, with its bounds; null for every other path.</summary>
    public static JsonCapture? Capture(string? path) =>
        path == ClientPayload ? new JsonCapture(WebhookEvent.MaxClientPayloadBytes, MaxClientPayloadDepth) : null;
}
