using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using static K8sWebhookHandler.Api.Webhooks.PayloadRules;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>What intake keeps of a <c>pull_request</c> payload and of an <c>issue_comment</c> on one.</summary>
internal static class PullRequestPayload
{
    /// <summary>The comment line that approves a pull request's head commit.</summary>
    public const string OkToTest = "/ok-to-test";

    /// <summary>The comment line that runs a pull request's latest head commit again.</summary>
    public const string Retest = "/retest";

    /// <summary>
    /// A pull request's head, always: <c>refs/pull/N/head</c> at <c>head.sha</c> (which commit then runs is the
    /// processor's choice). <c>before</c> is the pushed-over head on <c>synchronize</c>, otherwise the base commit.
    /// </summary>
    public static EventTarget Target(PayloadFields fields, string action)
    {
        var number = PullRequestNumber(fields);
        var head = Revision(fields, "pull_request.head.sha", required: true);
        var baseSha = Revision(fields, "pull_request.base.sha", required: true);
        var before = action == "synchronize" ? Revision(fields, "before", required: false) : "";
        return new(GitRef.PullRequest(number), head, before.Length > 0 ? before : baseSha);
    }

    /// <summary>The pull request's facts; a head repository GitHub no longer names (a deleted fork) is empty.</summary>
    public static PullRequestFacts Facts(PayloadFields fields)
    {
        var number = PullRequestNumber(fields);
        RequiredObject(fields, "pull_request.user");
        var headRepository = ObjectOrAbsent(fields, "pull_request.head.repo") ? RepositoryName(fields, "pull_request.head.repo.full_name") : "";
        var mergeCommit = Revision(fields, "pull_request.merge_commit_sha", required: false);
        return new PullRequestFacts(
            number,
            ShortRef("pull_request.head.ref", RequiredString(fields, "pull_request.head.ref")),
            headRepository,
            ShortRef("pull_request.base.ref", RequiredString(fields, "pull_request.base.ref")),
            Revision(fields, "pull_request.base.sha", required: true),
            Login(fields, "pull_request.user.login"),
            AuthorAssociation(fields, "pull_request.author_association"),
            Flag(fields, "pull_request.draft"),
            mergeCommit.Length > 0 ? mergeCommit : null);
    }

    /// <summary>
    /// A comment's facts: its issue, whether that is a pull request (<c>issue.pull_request</c> is an object), its
    /// command and its author. The body is scanned here and dropped.
    /// </summary>
    public static CommentFacts Comment(PayloadFields fields)
    {
        RequiredObject(fields, "issue");
        RequiredObject(fields, "comment");
        RequiredObject(fields, "comment.user");
        return new CommentFacts(
            Number(fields, "issue.number"),
            ObjectOrAbsent(fields, "issue.pull_request"),
            Command(OptionalString(fields, PayloadPaths.CommentBody)),
            Login(fields, "comment.user.login"),
            AuthorAssociation(fields, "comment.author_association"));
    }

    /// <summary>
    /// The command a comment gives: a line that is exactly <c>/ok-to-test</c> or <c>/retest</c> once the whitespace
    /// around it is trimmed; <c>/ok-to-test</c> when both are there. Any line counts, the last of a long comment too.
    /// </summary>
    public static CommentCommand Command(string? body)
    {
        var command = CommentCommand.None;
        foreach (var line in (body ?? "").AsSpan().EnumerateLines())
        {
            var trimmed = line.Trim();
            if (trimmed.SequenceEqual(OkToTest))
            {
                return CommentCommand.OkToTest;
            }

            if (trimmed.SequenceEqual(Retest))
            {
                command = CommentCommand.Retest;
            }
        }

        return command;
    }

    private static int PullRequestNumber(PayloadFields fields)
    {
        RequiredObject(fields, "pull_request");
        RequiredObject(fields, "pull_request.head");
        RequiredObject(fields, "pull_request.base");
        return Number(fields, "pull_request.number");
    }
}
