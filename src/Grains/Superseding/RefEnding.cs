using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Grains.Superseding;

/// <summary>How a delivery ends its ref's work: after it, nothing of the ref should still be running.</summary>
public enum RefEndingKind
{
    /// <summary>The delivery does not end its ref.</summary>
    None,

    /// <summary>A branch or tag deletion.</summary>
    Deletion,

    /// <summary>A <c>pull_request</c> <c>closed</c>, merged or not.</summary>
    PullRequestClosed,

    /// <summary>A <c>merge_group</c> <c>destroyed</c>: merged, dequeued or invalidated.</summary>
    MergeGroupDestroyed,
}

/// <summary>Which deliveries end their ref's work, told apart in one place for the decision and the processor.</summary>
public static class RefEnding
{
    /// <summary>The <c>pull_request</c> action that ends a pull request's work.</summary>
    public const string Closed = "closed";

    /// <summary>The <c>merge_group</c> action that ends a merge group's work.</summary>
    public const string Destroyed = "destroyed";

    /// <summary>How <paramref name="e"/> ends its ref, if it does.</summary>
    public static RefEndingKind Of(WebhookEvent e) => e switch
    {
        { IsDeletion: true } => RefEndingKind.Deletion,
        { Kind: EventKind.PullRequest, Action: Closed } => RefEndingKind.PullRequestClosed,
        { Kind: EventKind.MergeGroup, Action: Destroyed } => RefEndingKind.MergeGroupDestroyed,
        _ => RefEndingKind.None,
    };
}
