using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Reporting;

namespace K8sWebhookHandler.Grains.Reporting;

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
