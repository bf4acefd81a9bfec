using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// How changes change what the repository remembers of its pull requests (see <see cref="Inbox.Apply"/>): worked out
/// from the deliveries accepted, queued and completed, and from approvals, so that reading the journal again gives the
/// same memory.
/// </summary>
public sealed partial class Inbox
{
    private DeliveryRecord? ApplyApproved(PullRequestApproved change)
    {
        if (State.PullRequests.TryGetValue(change.Number, out var known) && !known.Approved.Contains(change.Sha, StringComparer.Ordinal))
        {
            State.PullRequests[change.Number] = known with
            {
                Approved = [.. known.Approved.TakeLast(PullRequestState.MaxApproved - 1), change.Sha],
                UpdatedAt = change.At,
            };
        }

        return null;
    }

    /// <summary>
    /// A pull request's delivery that runs or awaits approval becomes its latest; a closing one that is not acted on
    /// (it never ran) forgets it. Other actions and ignored drafts change nothing.
    /// </summary>
    private void NotePullRequest(DeliveryAccepted change)
    {
        var e = change.Event;
        if (e.Kind != EventKind.PullRequest || e.PullRequest is not { } pullRequest || !EventFilter.PullRequestActions.Contains(e.Action))
        {
            return;
        }

        var number = pullRequest.Number;
        switch (change.IgnoredAs)
        {
            case null or DeliveryState.AwaitingApproval:
                var known = State.PullRequests.GetValueOrDefault(number);
                var runs = change.IgnoredAs is null;
                State.PullRequests[number] = new PullRequestState(e, known?.Approved ?? [], !runs, runs || known?.Ran == true, change.At);
                KeepNewestPullRequests(number);
                break;
            case DeliveryState.Ignored or DeliveryState.IgnoredRef when e.Action == RefEnding.Closed:
                State.PullRequests.Remove(number);
                break;
        }
    }

    /// <summary>A pull request's delivery queued again (approved, retested, retried): it runs, and no longer waits.</summary>
    private void NotePullRequestQueued(DeliveryRequeued change)
    {
        var e = change.Event;
        if (e.Kind == EventKind.PullRequest && e.PullRequest is { } pullRequest && State.PullRequests.TryGetValue(pullRequest.Number, out var known))
        {
            var latest = known.Latest.Delivery == e.Delivery;
            State.PullRequests[pullRequest.Number] = known with
            {
                Latest = latest ? e : known.Latest,
                Awaiting = known.Awaiting && !latest,
                Ran = true,
                UpdatedAt = change.At,
            };
        }
    }

    /// <summary>A closed pull request is forgotten once its closing delivery is processed; a reopened one starts afresh.</summary>
    private void ForgetClosedPullRequest(WebhookEvent e)
    {
        if (e.Kind == EventKind.PullRequest && e.Action == RefEnding.Closed && e.PullRequest is { } pullRequest
            && State.PullRequests.TryGetValue(pullRequest.Number, out var known) && known.Latest.Delivery == e.Delivery)
        {
            State.PullRequests.Remove(pullRequest.Number);
        }
    }

    /// <summary>Beyond <c>MaxRefs</c> pull requests, forgets the least recently changed other than the one just noted; ties by number.</summary>
    private void KeepNewestPullRequests(int noted)
    {
        foreach (var excess in State.PullRequests.Where(p => p.Key != noted).OrderBy(p => p.Value.UpdatedAt).ThenBy(p => p.Key)
            .Take(State.PullRequests.Count - options.MaxRefs).Select(p => p.Key).ToList())
        {
            State.PullRequests.Remove(excess);
        }
    }
}
