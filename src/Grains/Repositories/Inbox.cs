using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.PullRequests;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// The rules of one repository's inbox, over its stored <see cref="RepositoryState"/>: which deliveries are accepted
/// (dedupe within the retention, replays, ignored events, deletion twins), which one runs next (arrival order per
/// ref), what an attempt records (completion, retry with backoff), and what an operator's retry queues. It knows
/// nothing of Orleans: nothing here is durable until the grain around it writes the state.
/// </summary>
/// <param name="state">The state to work on, read on every call: the grain's state object is replaced whenever storage
/// is read again.</param>
/// <param name="options">Retention, limits, retries and <c>IgnoreRefs</c>.</param>
/// <param name="time">The clock arrival, retention and retries are measured by.</param>
/// <param name="changed">Told of every change made, after it is made, in order: what the grain writes to the journal.</param>
/// <param name="pullRequests">Drafts and whom pull requests trust; the defaults when null. Reading a journal needs none: a
/// change never depends on them.</param>
public sealed partial class Inbox(
    Func<RepositoryState> state, DeliveryOptions options, TimeProvider time, Action<RepositoryChange>? changed = null, PullRequestOptions? pullRequests = null)
{
    private readonly RetrySchedule _retries = new(options);
    private readonly EventFilter _filter = new(options, pullRequests ?? new PullRequestOptions());
    private readonly PullRequestTrust _trust = new(pullRequests ?? new PullRequestOptions());

    private RepositoryState State => state();

    /// <summary>How many deliveries wait to be processed.</summary>
    public int Pending => State.Inbox.Count;

    /// <summary>What accepting the delivery would do; changes nothing.</summary>
    public Arrival Examine(WebhookEvent e)
    {
        var id = e.Delivery;
        var now = time.GetUtcNow();
        if (Remembers(id, now))
        {
            // GitHub's "Redeliver" repeats the id: a delivery that failed for good is queued again, anything else is done.
            // A pull request's runs at the commit it was accepted at: a closing one's is the newest approved, not the payload's head.
            return Find(id) is { State: DeliveryState.Failed } failed && !IsPending(id)
                ? new Arrival(ArrivalKind.Redelivery, e with { Rerun = failed.Rerun, Revision = e.Kind == EventKind.PullRequest ? failed.Revision : e.Revision }, now)
                : new Arrival(ArrivalKind.Duplicate, e, now);
        }

        if (_filter.Ignore(e) is { } ignored)
        {
            return new Arrival(ArrivalKind.Ignored, e, now, ignored.State, ignored.Reason);
        }

        if (e.PullRequest is { } pullRequest && e.Kind == EventKind.PullRequest)
        {
            return ExaminePullRequest(e, pullRequest, now);
        }

        if (e.Comment is { } comment && e.Kind == EventKind.IssueComment)
        {
            return ExamineComment(e, comment, now);
        }

        // The signature does not cover the delivery id: a captured body resent under a new id changes nothing.
        return ReplayOf(e) is { } original
            ? new Arrival(ArrivalKind.Replay, e, now, Original: original)
            : new Arrival(ArrivalKind.New, e, now);
    }

    /// <summary>
    /// Accepts a new delivery, or one recorded final at once: remembers its id, queues it when it is acted on (paired
    /// with its deletion twin, and making a waiting delivery of its ref eligible now), and records it; for a triggered
    /// comment, records the approval its command gives and queues the pull request's delivery. Returns its record.
    /// </summary>
    /// <exception cref="ArgumentException">The arrival is a duplicate, replay or redelivery: there is nothing to accept.</exception>
    public DeliveryRecord Accept(Arrival arrival)
    {
        if (arrival.Kind is not (ArrivalKind.New or ArrivalKind.Ignored or ArrivalKind.AwaitingApproval or ArrivalKind.Triggered))
        {
            throw new ArgumentException($"A {arrival.Kind} arrival is not accepted: only new ones and those recorded final at once are.", nameof(arrival));
        }

        var record = Record(new DeliveryAccepted(arrival.Event, arrival.At, arrival.IgnoredAs, arrival.Reason))!;
        if (arrival.Command is { } command)
        {
            if (command.Approve is { } sha)
            {
                Record(new PullRequestApproved(command.Number, sha, arrival.At));
            }

            if (command.Again is { } again)
            {
                Record(new DeliveryRequeued(again, command.AgainReason, arrival.At));
            }
        }

        return record;
    }

    /// <summary>
    /// Queues a recorded delivery again, with a fresh retry budget (a redelivery, or an operator's retry). Returns its
    /// record as queued, or null when the record is no longer kept.
    /// </summary>
    public DeliveryRecord? Requeue(WebhookEvent again, string reason) => Record(new DeliveryRequeued(again, reason, time.GetUtcNow()));

    /// <summary>What an operator's retry of the delivery would do; changes nothing.</summary>
    public OperatorRetry PlanRetry(DeliveryId delivery)
    {
        var record = Find(delivery);
        // An untrusted pull request runs only on a trusted author's /ok-to-test, which GitHub shows on the pull request.
        if (record is null || record.State is DeliveryState.Ignored or DeliveryState.IgnoredRef or DeliveryState.AwaitingApproval or DeliveryState.Triggered
            || State.Repository is not { } facts)
        {
            return new OperatorRetry(RetryKind.Nothing, record);
        }

        if (IsPending(delivery))
        {
            return new OperatorRetry(RetryKind.RunPendingNow, record);
        }

        var rerun = NextRerun(record.State, record.Rerun);
        var again = new WebhookEvent(record.Delivery, record.EventType, record.Action, record.Ref, record.Revision, record.Before,
            false, record.Deleted, false, facts, record.ReceivedAt, rerun)
        {
            PullRequest = record.PullRequest,
            ClientPayload = record.ClientPayload,
        };
        return new OperatorRetry(RetryKind.Requeue, record, again);
    }

    /// <summary>
    /// The re-run number a delivery is queued again under, by an operator or a <c>/retest</c>: a failed delivery is
    /// finished as it was; any other outcome is run again under new object names.
    /// </summary>
    private static int NextRerun(DeliveryState? state, int rerun) => state == DeliveryState.Failed ? rerun : rerun + 1;

    /// <summary>Makes a pending delivery eligible now, whatever retry it waits for.</summary>
    public void RunNow(DeliveryId delivery)
    {
        if (IsPending(delivery))
        {
            Record(new DeliveryMadeReady(delivery, time.GetUtcNow()));
        }
    }

    /// <summary>The delivery's latest record, if it is kept.</summary>
    public DeliveryRecord? Find(DeliveryId delivery) => State.History.FindLast(r => r.Delivery == delivery);

    /// <summary>The repository as the inspection endpoint shows it: deliveries newest first, refs by name.</summary>
    public RepositorySnapshot Snapshot(RepositoryKey repository) => new(
        repository,
        State.Inbox.Count,
        State.History.AsEnumerable().Reverse().ToArray(),
        Refs());

    private bool IsPending(DeliveryId delivery) => State.Inbox.Exists(p => p.Event.Delivery == delivery);
}
