namespace K8sWebhookHandler.Abstractions.Reporting;

/// <summary>
/// What GitHub is told about one context on one commit. A commit status (token) or a check run (App) is made from
/// it by the adapter:
/// <list type="table">
/// <item><term><see cref="Running"/></term><description><c>pending</c> / <c>in_progress</c></description></item>
/// <item><term><see cref="Succeeded"/></term><description><c>success</c> / <c>completed</c>, <c>success</c></description></item>
/// <item><term><see cref="Failed"/></term><description><c>failure</c> / <c>completed</c>, <c>failure</c></description></item>
/// <item><term><see cref="Errored"/></term><description><c>error</c> / <c>completed</c>, <c>failure</c></description></item>
/// <item><term><see cref="Superseded"/></term><description><c>error</c> / <c>completed</c>, <c>cancelled</c></description></item>
/// <item><term><see cref="Refused"/></term><description><c>error</c> / <c>completed</c>, <c>failure</c> (the reason in the summary)</description></item>
/// <item><term><see cref="Waiting"/></term><description><c>pending</c> / <c>queued</c> (nothing runs until someone acts)</description></item>
/// </list>
/// </summary>
public enum ReportOutcome
{
    Running,
    Succeeded,
    Failed,
    Errored,
    Superseded,
    Refused,

    /// <summary>Nothing runs yet: a pull request waits for a trusted author's approval.</summary>
    Waiting,
}
