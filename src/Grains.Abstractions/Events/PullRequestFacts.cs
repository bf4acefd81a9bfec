namespace K8sWebhookHandler.Abstractions.Events;

/// <summary>
/// What the handler keeps of a <c>pull_request</c> payload's pull request: what it is stamped with
/// (<c>pr_number</c>, <c>pr_base_ref</c>, <c>pr_head_ref</c>, <c>pr_head_repo</c>) and what decides whether it is
/// trusted (where its head lives, who opened it). The head commit itself is the event's <c>Revision</c>.
/// </summary>
/// <param name="Number">The pull request's number, from 1.</param>
/// <param name="HeadRef">The head branch's short name in the head repository (<c>head.ref</c>), e.g. <c>feature/x</c>.</param>
/// <param name="HeadRepository">The head repository's <c>full_name</c>; empty when GitHub names none (a deleted fork).</param>
/// <param name="BaseRef">The base branch's short name (<c>base.ref</c>), e.g. <c>main</c>.</param>
/// <param name="BaseSha">The base branch's commit when the event was sent (<c>base.sha</c>).</param>
/// <param name="Author">The login of who opened it (<c>user.login</c>).</param>
/// <param name="AuthorAssociation">The author's relation to the base repository as GitHub says it: <c>OWNER</c>, <c>MEMBER</c>, <c>COLLABORATOR</c>, <c>CONTRIBUTOR</c>, <c>NONE</c>, ...</param>
/// <param name="Draft">Whether it is a draft.</param>
/// <param name="MergeCommit">The test merge commit GitHub prepared (<c>merge_commit_sha</c>), when it names one.</param>
[GenerateSerializer, Immutable, Alias("pull-request-facts")]
public sealed record PullRequestFacts(
    [property: Id(0)] int Number,
    [property: Id(1)] string HeadRef,
    [property: Id(2)] string HeadRepository,
    [property: Id(3)] string BaseRef,
    [property: Id(4)] string BaseSha,
    [property: Id(5)] string Author,
    [property: Id(6)] string AuthorAssociation,
    [property: Id(7)] bool Draft,
    [property: Id(8)] string? MergeCommit = null)
{
    /// <summary>
    /// Whether the head lives in another repository than <paramref name="baseRepository"/>: a fork, or a head
    /// repository GitHub no longer names (deleted), which counts as one.
    /// </summary>
    public bool IsForkOf(RepositoryFacts baseRepository) =>
        !string.Equals(HeadRepository, baseRepository.FullName, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A command a comment on a pull request gives, on a line of its own.</summary>
public enum CommentCommand
{
    /// <summary>No command.</summary>
    None,

    /// <summary><c>/ok-to-test</c>: approve the pull request's current head commit.</summary>
    OkToTest,

    /// <summary><c>/retest</c>: run the pull request's latest head commit again.</summary>
    Retest,
}

/// <summary>
/// What the handler keeps of an <c>issue_comment</c> payload: which issue or pull request it is on, its command (the
/// body itself is never kept), and who wrote it.
/// </summary>
/// <param name="Number">The or pull request's number.</param>
/// <param name="OnPullRequest">Whether the issue is a pull request (the payload's <c>issue.pull_request</c> is present).</param>
/// <param name="Command">The command the body gives, if any.</param>
/// <param name="Author">The comment author's login.</param>
/// <param name="AuthorAssociation">The comment author's relation to the repository, as for <see cref="PullRequestFacts.AuthorAssociation"/>.</param>
[GenerateSerializer, Immutable, Alias("comment-facts")]
public sealed record CommentFacts(
    [property: Id(0)] int Number,
    [property: Id(1)] bool OnPullRequest,
    [property: Id(2)] CommentCommand Command,
    [property: Id(3)] string Author,
    [property: Id(4)] string AuthorAssociation);
