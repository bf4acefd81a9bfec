using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>Builds webhook events for tests; every call gets a fresh delivery id unless one is given.</summary>
public static class TestEvents
{
    public static string NewRepository() => "owner/repo-" + Guid.NewGuid().ToString("N")[..10];

    public static string Sha(int n) => n.ToString("x40", System.Globalization.CultureInfo.InvariantCulture);

    public static WebhookEvent Push(string repository, string branch = "main", string? after = null, string? before = null,
        string? delivery = null, bool deleted = false, string eventType = "push", string action = "") =>
        new(DeliveryId.Parse(delivery ?? Guid.NewGuid().ToString()), EventType.Parse(eventType), action,
            branch.StartsWith("refs/", StringComparison.Ordinal) ? GitRef.Parse(branch) : GitRef.Branch(branch),
            after ?? Sha(1), before ?? WebhookEvent.ZeroRevision, false, deleted, false,
            new RepositoryFacts(repository, $"https://example.com/{repository}.git", $"git://example.com/{repository}.git", $"git@example.com:{repository}.git", "main"),
            DateTimeOffset.UtcNow);

    /// <summary>
    /// A <c>pull_request</c> delivery as intake makes it: <c>refs/pull/N/head</c> at the head commit, the pull request's
    /// facts alongside. <paramref name="fork"/> names the head repository when it is not <paramref name="repository"/>.
    /// </summary>
    public static WebhookEvent PullRequest(string repository, int number, string action, string head, string? fork = null,
        string association = "CONTRIBUTOR", bool draft = false, string? delivery = null, string author = "contributor") =>
        Push(repository, GitRef.PullRequest(number).Value, head, Sha(999), delivery, eventType: "pull_request", action: action) with
        {
            PullRequest = new PullRequestFacts(number, "feature", fork ?? repository, "main", Sha(999), author, association, draft),
        };

    /// <summary>An <c>issue_comment</c> <c>created</c> on pull request <paramref name="number"/>: no ref, no commit.</summary>
    public static WebhookEvent Comment(string repository, int number, CommentCommand command, string association = "MEMBER",
        string author = "octocat", string? delivery = null, string action = "created", bool onPullRequest = true) =>
        Push(repository, "main", "", "", delivery, eventType: "issue_comment", action: action) with
        {
            Ref = GitRef.None,
            Comment = new CommentFacts(number, onPullRequest, command, author, association),
        };
}
