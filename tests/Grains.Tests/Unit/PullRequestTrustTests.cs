using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Whom a pull request's commit is trusted from: where its head lives, who opened it, what was approved.</summary>
public sealed class PullRequestTrustTests
{
    private const string Repository = "Octo/Hello";
    private static readonly RepositoryFacts Base = TestEvents.Push(Repository).Repository;
    private static readonly string Head = TestEvents.Sha(7);

    private static PullRequestFacts From(string headRepository, string association) =>
        new(5, "feature", headRepository, "main", TestEvents.Sha(1), "someone", association, false);

    private static PullRequestTrustReason Trust(PullRequestFacts pullRequest, string[] approved, PullRequestOptions? options = null) =>
        new PullRequestTrust(options ?? new PullRequestOptions()).Trust(pullRequest, Base, Head, approved);

    [Theory]
    [InlineData("Octo/Hello", "NONE", PullRequestTrustReason.SameRepository)]
    [InlineData("octo/hello", "FIRST_TIME_CONTRIBUTOR", PullRequestTrustReason.SameRepository)]
    [InlineData("fork/hello", "OWNER", PullRequestTrustReason.TrustedAuthor)]
    [InlineData("fork/hello", "MEMBER", PullRequestTrustReason.TrustedAuthor)]
    [InlineData("fork/hello", "COLLABORATOR", PullRequestTrustReason.TrustedAuthor)]
    [InlineData("fork/hello", "CONTRIBUTOR", PullRequestTrustReason.Untrusted)]
    [InlineData("fork/hello", "NONE", PullRequestTrustReason.Untrusted)]
    [InlineData("fork/hello", "member", PullRequestTrustReason.Untrusted)]
    [InlineData("", "CONTRIBUTOR", PullRequestTrustReason.Untrusted)]
    [InlineData("", "MEMBER", PullRequestTrustReason.TrustedAuthor)]
    public void HeadRepositoryAndAuthor_DecideTrust_WithTheDefaultAssociations(string headRepository, string association, PullRequestTrustReason expected)
    {
        Assert.Equal(expected, Trust(From(headRepository, association), []));
    }

    [Fact]
    public void ConfiguredAssociations_ReplaceTheDefaults()
    {
        var options = new PullRequestOptions { TrustedAssociations = ["OWNER", "CONTRIBUTOR"] };

        Assert.Equal(PullRequestTrustReason.TrustedAuthor, Trust(From("fork/hello", "CONTRIBUTOR"), [], options));
        Assert.Equal(PullRequestTrustReason.Untrusted, Trust(From("fork/hello", "MEMBER"), [], options));
        Assert.Equal("a maintainer (OWNER, CONTRIBUTOR) must comment /ok-to-test", new PullRequestTrust(options).Needed);
    }

    [Fact]
    public void ApprovedHeadCommit_IsTrusted_AndAnotherCommitIsNot()
    {
        var fork = From("fork/hello", "CONTRIBUTOR");

        Assert.Equal(PullRequestTrustReason.Approved, Trust(fork, [TestEvents.Sha(3), Head]));
        Assert.Equal(PullRequestTrustReason.Untrusted, Trust(fork, [TestEvents.Sha(3)]));
    }

    [Fact]
    public void RememberApproval_AnyApprovedCommit_TrustsEveryLaterOne()
    {
        var fork = From("fork/hello", "CONTRIBUTOR");
        var remember = new PullRequestOptions { RememberApproval = true };

        Assert.Equal(PullRequestTrustReason.Approved, Trust(fork, [TestEvents.Sha(3)], remember));
        Assert.Equal(PullRequestTrustReason.Untrusted, Trust(fork, [], remember));
    }

    [Theory]
    [InlineData("OWNER", true)]
    [InlineData("MEMBER", true)]
    [InlineData("COLLABORATOR", true)]
    [InlineData("CONTRIBUTOR", false)]
    [InlineData("NONE", false)]
    [InlineData("Member", false)]
    [InlineData("", false)]
    public void Author_IsTrustedByAssociation_ComparedAsGitHubSendsIt(string association, bool trusted)
    {
        Assert.Equal(trusted, new PullRequestTrust(new PullRequestOptions()).TrustsAuthor(association));
    }
}
