using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Grains.Reporting;

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
}

/// <summary>
/// One report to send: <paramref name="Outcome"/> with <paramref name="Description"/> (the adapter shortens it to
/// what GitHub accepts) for <paramref name="Context"/> on commit <paramref name="Sha"/> of <paramref name="Repository"/>,
/// linking to <paramref name="TargetUrl"/>. <paramref name="Installation"/> is the App installation the delivery
/// named (null for a repository webhook).
/// </summary>
public sealed record CommitReport(
    RepositoryKey Repository,
    string Sha,
    string Context,
    ReportOutcome Outcome,
    string Description,
    string? TargetUrl,
    long? Installation);

/// <summary>What GitHub shows for a report's context on its commit.</summary>
/// <param name="Matches">Whether the latest status, or the check run, for the context is exactly the report (state and description).</param>
/// <param name="CheckRun">The id of the check run named by the context on that commit, if there is one.</param>
public sealed record ShownReport(bool Matches, long? CheckRun);
