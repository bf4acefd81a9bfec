using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Reporting;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// Pull requests on arrival: whether a pull request's commit runs now or waits for a trusted author's approval, and what
/// a command in a comment does (<c>/ok-to-test</c> approves the head commit and queues it when it waits; <c>/retest</c>
/// runs the head commit again). An approval is of that head commit only, unless <c>RememberApproval</c> is set.
/// </summary>
public sealed partial class Inbox
{
    private Arrival ExaminePullRequest(WebhookEvent e, PullRequestFacts pullRequest, DateTimeOffset now)
    {
        var known = State.PullRequests.GetValueOrDefault(pullRequest.Number);
        if (_trust.Trust(pullRequest, e.Repository, e.Revision, known?.Approved ?? []) != PullRequestTrustReason.Untrusted)
        {
            return new Arrival(ArrivalKind.New, e, now);
        }

        if (e.Action == RefEnding.Closed)
        {
            // A closed pull request tears down what it ran, at the newest commit approved: a head pushed since and never
            // approved is not run by closing. One that never ran has nothing to tear down.
            return known is { Ran: true, Approved: [.., var approved] }
                ? new Arrival(ArrivalKind.New, e with { Revision = approved }, now)
                : new Arrival(ArrivalKind.Ignored, e, now, DeliveryState.Ignored, $"#{pullRequest.Number} {Origin(pullRequest)} never ran: nothing to tear down");
        }

        return new Arrival(ArrivalKind.AwaitingApproval, e, now, DeliveryState.AwaitingApproval, NotApproved(e.Revision, pullRequest));
    }

    private Arrival ExamineComment(WebhookEvent e, CommentFacts comment, DateTimeOffset now)
    {
        var by = $"{(comment.Command == CommentCommand.OkToTest ? "/ok-to-test" : "/retest")} by {comment.Author} ({comment.AuthorAssociation})";
        var (effect, reason) = !_trust.TrustsAuthor(comment.AuthorAssociation)
            ? (null, $"{by} changes nothing: only {_trust.Maintainer} gives commands")
            : State.PullRequests.GetValueOrDefault(comment.Number) is not { } known
                ? (null, $"{by}: no open pull request #{comment.Number} is remembered")
            : known.Closed ? (null, $"{by}: #{comment.Number} is closed")
            : comment.Command == CommentCommand.OkToTest ? OkToTest(known, by, e)
            : Retest(known, by, e);
        return effect is null
            ? new Arrival(ArrivalKind.Ignored, e, now, DeliveryState.Ignored, reason)
            : new Arrival(ArrivalKind.Triggered, e, now, DeliveryState.Triggered, reason, Command: effect);
    }

    /// <summary>Approves the head commit, and queues the pull request's latest delivery when it waits for approval.</summary>
    private (CommandEffect? Effect, string Reason) OkToTest(PullRequestState known, string by, WebhookEvent comment)
    {
        var (latest, pullRequest, sha) = (known.Latest, known.Latest.PullRequest!, ReportRules.Short(known.HeadSha));
        var number = pullRequest.Number;
        var trust = _trust.Trust(pullRequest, latest.Repository, known.HeadSha, []);
        if (trust != PullRequestTrustReason.Untrusted && !known.Awaiting)
        {
            var why = trust == PullRequestTrustReason.SameRepository ? "its head is in this repository" : $"its author is {pullRequest.AuthorAssociation}";
            return (null, $"{by}: #{number} needs no approval ({why})");
        }

        var approve = known.Approved.Contains(known.HeadSha, StringComparer.Ordinal) ? null : known.HeadSha;
        var again = known.Awaiting ? latest : null;
        if (approve is null && again is null)
        {
            return (null, $"{by}: {sha} of #{number} is approved already");
        }

        var queued = again is null ? "nothing awaited approval" : $"delivery {latest.Delivery} queued";
        return (new CommandEffect(number, approve, again, $"approved by {by} (delivery {comment.Delivery})"), $"{by} approved {sha} of #{number}: {queued}");
    }

    /// <summary>Queues the pull request's latest delivery again, under new object names, when it may run.</summary>
    private (CommandEffect? Effect, string Reason) Retest(PullRequestState known, string by, WebhookEvent comment)
    {
        var (latest, pullRequest, sha) = (known.Latest, known.Latest.PullRequest!, ReportRules.Short(known.HeadSha));
        var number = pullRequest.Number;
        if (known.Awaiting || _trust.Trust(pullRequest, latest.Repository, known.HeadSha, known.Approved) == PullRequestTrustReason.Untrusted)
        {
            return (null, $"{by}: {NotApproved(known.HeadSha, pullRequest)}");
        }

        if (IsPending(latest.Delivery))
        {
            return (null, $"{by}: delivery {latest.Delivery} of #{number} is queued already");
        }

        var rerun = NextRerun(Find(latest.Delivery)?.State, latest.Rerun);
        var again = latest with { Rerun = rerun };
        return (new CommandEffect(number, null, again, $"{by} (delivery {comment.Delivery})"),
            $"{by} queued {sha} of #{number} again: delivery {latest.Delivery}, re-run {rerun}");
    }

    private string NotApproved(string sha, PullRequestFacts pullRequest) =>
        $"{ReportRules.Short(sha)} of #{pullRequest.Number} by {pullRequest.Author} ({pullRequest.AuthorAssociation}) {Origin(pullRequest)} is not approved: {_trust.Needed}";

    private static string Origin(PullRequestFacts pullRequest) =>
        pullRequest.HeadRepository.Length == 0 ? "from a deleted fork" : $"from the fork {pullRequest.HeadRepository}";
}
