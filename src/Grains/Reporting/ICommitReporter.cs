namespace K8sWebhookHandler.Grains.Reporting;

/// <summary>
/// Tells GitHub what became of a commit: a commit status with a token, a check run with a GitHub App. Both methods
/// throw <see cref="Failures.TransientException"/> for what may pass (5xx, a network error, no answer in time, either
/// rate limit; <see cref="Failures.TransientException.NotBefore"/> says when GitHub allows the next request, when it
/// said), and <see cref="Failures.DeliveryRefusedException"/> when GitHub refuses the report itself (422, a repository
/// it does not know or that the credential may not write): sending it again would not help.
/// </summary>
public interface ICommitReporter
{
    /// <summary>
    /// Sends <paramref name="report"/>. With a GitHub App: updates check run <paramref name="checkRun"/> when given,
    /// else creates one, and answers its id; with a token: creates a commit status and answers null.
    /// </summary>
    Task<long?> SendAsync(CommitReport report, long? checkRun, CancellationToken cancellationToken);

    /// <summary>
    /// What GitHub shows now for the report's context on its commit, null when nothing: read before sending again a
    /// report whose answer was lost (a crash, a timeout), so that it is not sent twice.
    /// </summary>
    Task<ShownReport?> ReadAsync(CommitReport report, CancellationToken cancellationToken);
}
