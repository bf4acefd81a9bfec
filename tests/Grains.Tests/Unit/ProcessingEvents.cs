using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>Pull request, merge group and dispatch deliveries as intake makes them, for tests.</summary>
internal static class ProcessingEvents
{
    /// <summary>The base branch's commit the pull requests name as <c>base.sha</c>.</summary>
    public static readonly string BaseSha = TestEvents.Sha(50);

    /// <summary>
    /// A <c>pull_request</c> delivery of <paramref name="repository"/>: <c>refs/pull/N/head</c> at <paramref name="head"/>,
    /// <c>before</c> the base sha unless given; its head on <paramref name="headRepository"/> (the base repository unless given).
    /// </summary>
    public static WebhookEvent PullRequest(string repository, int number, string head, string action = "opened",
        string? headRepository = null, string? before = null, string headRef = "feature", string baseRef = "main")
    {
        var e = TestEvents.PullRequest(repository, number, action, head, headRepository);
        return e with { Before = before ?? BaseSha, PullRequest = e.PullRequest! with { HeadRef = headRef, BaseRef = baseRef, BaseSha = BaseSha } };
    }

    /// <summary>A <c>merge_group</c> delivery: its <c>head_ref</c> branch at <paramref name="head"/>, <c>before</c> the base sha.</summary>
    public static WebhookEvent MergeGroup(string repository, string action, string head, string headRef = "gh-readonly-queue/main/pr-7-0123456789abcdef") =>
        TestEvents.Push(repository, headRef, after: head, before: BaseSha, eventType: "merge_group", action: action);

    /// <summary>A delivery that names only a ref (or none), as a dispatch does: an empty revision.</summary>
    public static WebhookEvent RefOnly(string repository, string eventType, string reference, string action = "") =>
        TestEvents.Push(repository, "main", after: "", eventType: eventType, action: action) with { Ref = GitRef.Parse(reference) };
}
