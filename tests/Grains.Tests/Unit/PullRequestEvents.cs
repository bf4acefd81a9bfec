using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Pull requests and comments on <c>owner/repo</c>, the inbox harness's repository, and what they are told.</summary>
internal static class PullRequestEvents
{
    public const string Repository = "owner/repo";
    public const string Needed = "a maintainer (OWNER, MEMBER, COLLABORATOR) must comment /ok-to-test";

    /// <summary>A head commit whose short form names it: <c>Head(2)</c> is <c>2abcdef…</c>.</summary>
    public static string Head(int n) => (n.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "abcdef").PadRight(40, '0');

    /// <summary>Pull request <paramref name="number"/> from the fork <c>fork/repo</c>, by default by a <c>CONTRIBUTOR</c>.</summary>
    public static WebhookEvent Fork(string delivery, int head, string action = "opened", string association = "CONTRIBUTOR", int number = 5) =>
        TestEvents.PullRequest(Repository, number, action, Head(head), "fork/repo", association, delivery: delivery);

    /// <summary>Pull request <paramref name="number"/> from a branch of the repository itself.</summary>
    public static WebhookEvent Own(string delivery, int head, string action = "opened", int number = 5) =>
        TestEvents.PullRequest(Repository, number, action, Head(head), delivery: delivery);

    /// <summary>A new comment with <paramref name="command"/> on pull request <paramref name="number"/>, by <c>octocat</c>.</summary>
    public static WebhookEvent Says(string delivery, CommentCommand command, string association = "MEMBER", int number = 5) =>
        TestEvents.Comment(Repository, number, command, association, delivery: delivery);

    /// <summary>Why the fork's <paramref name="head"/> of #5 does not run.</summary>
    public static string NotApproved(int head) => $"{Head(head)[..7]} of #5 by contributor (CONTRIBUTOR) from the fork fork/repo is not approved: {Needed}";
}
