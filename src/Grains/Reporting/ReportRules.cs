using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Failures;

namespace K8sWebhookHandler.Grains.Reporting;

/// <summary>
/// What is reported for what the handler and the cluster know, and how long a report may wait for GitHub. A report
/// that GitHub answers with a failure that may pass is tried again after 2 s, doubling up to 5 minutes (or when
/// GitHub's rate limit says), for at most <see cref="GiveUpAfter"/>; one that GitHub refuses is not sent again.
/// </summary>
public static class ReportRules
{
    /// <summary>How long a report is retried before it is dropped: a status a day late tells nobody anything.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(5);

    /// <summary>The outcome and description for a Workflow's phase; Argo's <c>status.message</c> says why it failed.</summary>
    public static (ReportOutcome Outcome, string Description) ForPhase(WorkflowPhase phase, string? message) => phase switch
    {
        WorkflowPhase.Succeeded => (ReportOutcome.Succeeded, "succeeded"),
        WorkflowPhase.Failed => (ReportOutcome.Failed, string.IsNullOrWhiteSpace(message) ? "failed" : message),
        WorkflowPhase.Error => (ReportOutcome.Errored, string.IsNullOrWhiteSpace(message) ? "error" : message),
        _ => Running,
    };

    /// <summary>A Workflow just made, or pending or running.</summary>
    public static (ReportOutcome Outcome, string Description) Running => (ReportOutcome.Running, "running");

    /// <summary>The description of a pull request's commit that runs once a trusted author approves it.</summary>
    public const string AwaitingApproval = "waiting for approval: a maintainer must comment /ok-to-test";

    /// <summary>The description of a Workflow stopped because <paramref name="revision"/> superseded it.</summary>
    public static string SupersededBy(string revision) => $"superseded by {Short(revision)}";

    /// <summary>A commit id as GitHub shows it in prose: its first seven characters.</summary>
    public static string Short(string revision) => revision.Length > 7 ? revision[..7] : revision;

    /// <summary>
    /// When to send a report again after its <paramref name="attempts"/>-th failure: when GitHub said
    /// (<paramref name="notBefore"/>), else after the backoff; null when it has waited long enough since
    /// <paramref name="queuedAt"/> and is dropped.
    /// </summary>
    public static DateTimeOffset? NextAttempt(int attempts, DateTimeOffset queuedAt, DateTimeOffset now, DateTimeOffset? notBefore)
    {
        var next = notBefore is { } said && said > now ? said : now + Backoff.Delay(FirstRetry, LongestRetry, attempts);
        return next - queuedAt > GiveUpAfter ? null : next;
    }
}
