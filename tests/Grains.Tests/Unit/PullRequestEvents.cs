using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// Pull requests and comments on <c>owner/repo</c>, the inbox harness's repository, and what they are told; pull request,
/// merge group and dispatch deliveries as intake makes them, for the processor's tests.
/// </summary>
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

    /// <summary>The base branch's commit the pull requests name as <c>base.sha</c>.</summary>
    public static readonly string BaseSha = TestEvents.Sha(50);

    /// <summary>
    /// A <c>pull_request</c> delivery of <paramref name="repository"/>: <c>refs/pull/N/head</c> at <paramref name="head"/>,
    /// <c>before</c> the base sha unless given; its head on <paramref name="headRepository"/> (the base repository unless given).
    /// </summary>
    public static WebhookEvent PullRequest(string repository, int number, string head, string action = "opened",
        string? headRepository = null, string? before = null, string headRef = "feature", string baseRef = "main") =>
        TestEvents.Push(repository, GitRef.PullRequest(number).Value, after: head, before: before ?? BaseSha, eventType: "pull_request", action: action) with
        {
            PullRequest = new PullRequestFacts(number, headRef, headRepository ?? repository, baseRef, BaseSha, "octocat", "CONTRIBUTOR", false),
        };

    /// <summary>A <c>merge_group</c> delivery: its <c>head_ref</c> branch at <paramref name="head"/>, <c>before</c> the base sha.</summary>
    public static WebhookEvent MergeGroup(string repository, string action, string head, string headRef = "gh-readonly-queue/main/pr-7-0123456789abcdef") =>
        TestEvents.Push(repository, headRef, after: head, before: BaseSha, eventType: "merge_group", action: action);

    /// <summary>A delivery that names only a ref (or none), as a dispatch does: an empty revision.</summary>
    public static WebhookEvent RefOnly(string repository, string eventType, string reference, string action = "") =>
        TestEvents.Push(repository, "main", after: "", eventType: eventType, action: action) with { Ref = GitRef.Parse(reference) };
}
