using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Grains.PullRequests;

/// <summary>Why a pull request's head commit may run, or that it may not.</summary>
public enum PullRequestTrustReason
{
    /// <summary>Nothing trusts it: it waits for a trusted author's <c>/ok-to-test</c>.</summary>
    Untrusted,

    /// <summary>Its head branch lives in the base repository: whoever pushed there may push anything there.</summary>
    SameRepository,

    /// <summary>Its author's <c>author_association</c> is one of <c>Handler:PullRequests:TrustedAssociations</c>.</summary>
    TrustedAuthor,

    /// <summary>A trusted author approved the head commit (or, with <c>RememberApproval</c>, any commit of it).</summary>
    Approved,
}

/// <summary>
/// Whom the handler trusts with a pull request (<c>Handler:PullRequests:*</c>). A pull request from a fork can change
/// anything its commit holds, the pipeline included: its commit runs only when its author is trusted or a trusted author
/// approved it. GitHub's associations are compared as it sends them: upper case, ordinal.
/// </summary>
public sealed class PullRequestTrust(PullRequestOptions options)
{
    /// <summary>Whether an author with this <c>author_association</c> is trusted: their pull requests run, their commands count.</summary>
    public bool TrustsAuthor(string association) => options.Trusted.Contains(association, StringComparer.Ordinal);

    /// <summary>
    /// Why <paramref name="pullRequest"/> of <paramref name="repository"/> may run at <paramref name="headSha"/>, given the
    /// head commits approved for it so far; <see cref="PullRequestTrustReason.Untrusted"/> when it may not.
    /// </summary>
    public PullRequestTrustReason Trust(PullRequestFacts pullRequest, RepositoryFacts repository, string headSha, IReadOnlyCollection<string> approved) =>
        !pullRequest.IsForkOf(repository) ? PullRequestTrustReason.SameRepository
        : TrustsAuthor(pullRequest.AuthorAssociation) ? PullRequestTrustReason.TrustedAuthor
        : approved.Contains(headSha, StringComparer.Ordinal) || (options.RememberApproval && approved.Count > 0) ? PullRequestTrustReason.Approved
        : PullRequestTrustReason.Untrusted;

    /// <summary>Who is trusted, in prose: <c>a maintainer (OWNER, MEMBER, COLLABORATOR)</c>.</summary>
    public string Maintainer => $"a maintainer ({string.Join(", ", options.Trusted)})";

    /// <summary>Who must do what for an untrusted pull request to run.</summary>
    public string Needed => $"{Maintainer} must comment /ok-to-test";
}
