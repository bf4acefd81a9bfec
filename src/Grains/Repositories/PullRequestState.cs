using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// What a repository remembers of one open pull request, to decide whether its commits may run and to run it again on
/// a command: its latest <c>pull_request</c> delivery that runs or awaits approval, the head commits a trusted author
/// approved, and whether any delivery of it was queued to run. Forgotten once it is closed and that is processed.
/// </summary>
/// <param name="Latest">The latest delivery that ran or awaits approval, as it was (last) queued: its head commit is the
/// event's revision, and a <c>/retest</c> queues it again with the next re-run number.</param>
/// <param name="Approved">Head commits approved by <c>/ok-to-test</c>, oldest first, at most <see cref="MaxApproved"/>.</param>
/// <param name="Awaiting">Whether <paramref name="Latest"/> is recorded awaiting approval: an approval of its commit queues it.</param>
/// <param name="Ran">Whether a delivery of it was ever queued to run: a closed pull request that never ran has nothing to tear down.</param>
/// <param name="UpdatedAt">When it last changed: beyond <c>Handler:MaxRefs</c> pull requests, the least recently changed are forgotten.</param>
public sealed record PullRequestState(WebhookEvent Latest, IReadOnlyList<string> Approved, bool Awaiting, bool Ran, DateTimeOffset UpdatedAt)
{
    /// <summary>The most approved head commits remembered per pull request.</summary>
    public const int MaxApproved = 16;

    /// <summary>The pull request's head commit as last received.</summary>
    public string HeadSha => Latest.Revision;

    /// <summary>Whether the latest delivery closed it.</summary>
    public bool Closed => Latest.Action == RefEnding.Closed;
}
