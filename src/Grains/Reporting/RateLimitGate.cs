using System.Collections.Concurrent;
using K8sWebhookHandler.Grains.Failures;

namespace K8sWebhookHandler.Grains.Reporting;

/// <summary>
/// Holds every repository of this silo to a rate limit GitHub announced to one: GitHub limits a credential (the
/// configured token, or one installation's tokens), not a repository, so once one request learns the limit's reset,
/// no other request with that credential is sent before it, and each fails at once with the same
/// <see cref="TransientException.NotBefore"/>. Reads are held back as much as sends.
/// </summary>
/// <param name="perInstallation">Whether reports go with each installation's tokens (a GitHub App); otherwise every
/// report goes with the one configured token, whatever installation its event named.</param>
public sealed class RateLimitGate(ICommitReporter inner, TimeProvider time, bool perInstallation) : ICommitReporter
{
    // Keyed by installation; 0 stands for the configured token, which GitHub never uses as an installation id.
    private readonly ConcurrentDictionary<long, DateTimeOffset> _closedUntil = new();

    public Task<long?> SendAsync(CommitReport report, long? checkRun, CancellationToken cancellationToken) =>
        ThroughAsync(report, () => inner.SendAsync(report, checkRun, cancellationToken));

    public Task<ShownReport?> ReadAsync(CommitReport report, CancellationToken cancellationToken) =>
        ThroughAsync(report, () => inner.ReadAsync(report, cancellationToken));

    private async Task<T> ThroughAsync<T>(CommitReport report, Func<Task<T>> call)
    {
        var key = perInstallation ? report.Installation ?? 0 : 0;
        if (_closedUntil.TryGetValue(key, out var until) && until > time.GetUtcNow())
        {
            throw new TransientException($"GitHub's rate limit for this credential resets at {until:O}") { NotBefore = until };
        }

        try
        {
            return await call();
        }
        catch (TransientException limited) when (limited.NotBefore is { } reset)
        {
            _closedUntil.AddOrUpdate(key, reset, (_, earlier) => earlier > reset ? earlier : reset);
            throw;
        }
    }
}
