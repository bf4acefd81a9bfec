using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Reporting;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>What an observation of a Workflow came to.</summary>
public enum Observed
{
    /// <summary>The repository reports no such Workflow (yet): its delivery may still be being recorded.</summary>
    Unknown,

    /// <summary>Nothing new to tell GitHub: the same state, a stale version, or a superseded Workflow.</summary>
    Unchanged,

    /// <summary>A report was queued.</summary>
    Queued,
}

/// <summary>
/// The outbox: what GitHub is told about the repository's commits, written down before it is sent and sent in order.
/// Only changes are queued (GitHub keeps at most 1,000 statuses per commit and context).
/// </summary>
public sealed partial class Inbox
{
    /// <summary>The most reports a delivery's record keeps for inspection, newest last.</summary>
    public const int ReportsPerRecord = 32;

    /// <summary>How many reports wait to be sent.</summary>
    public int Unreported => State.Outbox.Count;

    /// <summary>
    /// Queues what a completed delivery tells GitHub: each Workflow it made is running, each it stopped was superseded
    /// by its revision, and a delivery refused or failed for good says why. A deletion reports nothing, nor does a
    /// delivery that never learnt which commit it was about.
    /// </summary>
    public void QueueReports(WebhookEvent delivered, ProcessingResult result, DeliveryRecord outcome, IWorkflowLinks links)
    {
        // A delivery that named only a ref (a dispatch) reports on the commit it ran: the ref's tip when it ran. A pull
        // request reports on its head commit, whatever commit its manifest was read at (the base branch's, for a fork).
        var e = delivered.Revision.Length == 0 ? delivered with { Revision = result.Revision ?? "" } : delivered;
        if (e.IsDeletion || e.Revision is WebhookEvent.ZeroRevision or "")
        {
            return;
        }

        var repository = e.Repository.Key;
        foreach (var made in result.Reported)
        {
            var (running, description) = ReportRules.Running;
            var report = new CommitReport(repository, e.Revision, made.Context, running, description, links.For(made.Object), e.Installation);
            Record(new ReportQueued(e.Delivery, Key(made.Object), report, null, false, time.GetUtcNow()));
        }

        foreach (var stopped in result.Stopped)
        {
            if (State.Reported.TryGetValue(Key(stopped), out var was) && !was.Final)
            {
                var report = new CommitReport(repository, was.Sha, was.Context, ReportOutcome.Superseded, ReportRules.SupersededBy(e.Revision), was.TargetUrl, was.Installation);
                Record(new ReportQueued(was.Delivery, Key(stopped), report, null, true, time.GetUtcNow()));
            }
        }

        QueueDeliveryReport(e, outcome);
    }

    /// <summary>
    /// The delivery's own context: a refusal or failure says why, a pull request awaiting approval says it waits; a later
    /// success of the same commit (a retry, a redelivery, an approval) clears what was reported there before. The same
    /// report twice in a row is not sent. True when a report was queued.
    /// </summary>
    public bool QueueDeliveryReport(WebhookEvent e, DeliveryRecord outcome)
    {
        var last = State.History.SelectMany(r => r.Reports ?? []).Where(r => r.Context == StatusContext.Default && r.Sha == e.Revision)
            .MaxBy(r => r.Sequence);
        var (reported, description) = outcome.State switch
        {
            DeliveryState.Rejected or DeliveryState.Failed => (ReportOutcome.Refused, outcome.Reason ?? outcome.State.ToString().ToLowerInvariant()),
            DeliveryState.AwaitingApproval => (ReportOutcome.Waiting, ReportRules.AwaitingApproval),
            DeliveryState.Applied when last is { Outcome: ReportOutcome.Refused or ReportOutcome.Waiting } => (ReportOutcome.Succeeded, "applied"),
            DeliveryState.NoManifest when last is { Outcome: ReportOutcome.Waiting } => (ReportOutcome.Succeeded, "no manifest"),
            _ => ((ReportOutcome?)null, ""),
        };
        if (reported is { } news && !(last?.Outcome == news && last.Description == description))
        {
            var report = new CommitReport(e.Repository.Key, e.Revision, StatusContext.Default, news, description, null, e.Installation);
            Record(new ReportQueued(e.Delivery, null, report, null, false, time.GetUtcNow()));
            return true;
        }

        return false;
    }

    /// <summary>Queues a report when a Workflow's phase tells GitHub something new.</summary>
    public Observed Observe(WorkflowObservation observation)
    {
        var key = Key(observation.Object);
        if (!State.Reported.TryGetValue(key, out var was))
        {
            return Observed.Unknown;
        }

        var (outcome, description) = ReportRules.ForPhase(observation.Phase, observation.Message);
        if (was.Final || IsOlder(observation.ResourceVersion, was.ResourceVersion) || (outcome == was.Outcome && description == was.Description))
        {
            return Observed.Unchanged;
        }

        var report = new CommitReport(observation.Repository, was.Sha, was.Context, outcome, description, was.TargetUrl, was.Installation);
        Record(new ReportQueued(was.Delivery, key, report, observation.ResourceVersion, false, time.GetUtcNow()));
        return Observed.Queued;
    }

    /// <summary>The report to send next, or how long until one may be sent; nothing when the outbox is empty.</summary>
    public (OutboxEntry? Next, TimeSpan? Wait) NextReport()
    {
        if (State.Outbox.Count == 0)
        {
            return (null, null);
        }

        var head = State.Outbox[0];
        var wait = head.NotBefore - time.GetUtcNow();
        return wait > TimeSpan.Zero ? (null, wait) : (head, null);
    }

    /// <summary>The check run GitHub made for the entry's Workflow, which its report updates.</summary>
    public long? CheckRunOf(OutboxEntry entry) => entry.Object is { } key && State.Reported.TryGetValue(key, out var was) ? was.CheckRun : null;

    /// <summary>GitHub accepted the report.</summary>
    public void ReportSent(OutboxEntry entry, long? checkRun) => Record(new ReportSent(entry.Sequence, checkRun, time.GetUtcNow()));

    /// <summary>GitHub refused the report: it is not sent again.</summary>
    public void ReportRefused(OutboxEntry entry, string reason) => Record(new ReportDropped(entry.Sequence, reason, time.GetUtcNow()));

    /// <summary>The report could not be sent now: it waits for its next attempt, or is dropped when it has waited too long.</summary>
    public void ReportFailed(OutboxEntry entry, string reason, DateTimeOffset? notBefore)
    {
        var (attempts, now) = (entry.Attempts + 1, time.GetUtcNow());
        Record(ReportRules.NextAttempt(attempts, entry.QueuedAt, now, notBefore) is { } next
            ? new ReportDeferred(entry.Sequence, attempts, next, reason, now)
            : new ReportDropped(entry.Sequence, $"not sent within {ReportRules.GiveUpAfter.TotalHours:0} hours: {reason}", now));
    }

    /// <summary>How the outbox names a Workflow: <c>namespace/name</c>.</summary>
    public static string Key(AppliedObject workflow) => $"{workflow.Namespace}/{workflow.Name}";

    /// <summary>Kubernetes' versions are opaque strings; etcd's are increasing integers, and only those are compared.</summary>
    private static bool IsOlder(string? seen, string? last) =>
        long.TryParse(seen, out var s) && long.TryParse(last, out var l) && s < l;
}
