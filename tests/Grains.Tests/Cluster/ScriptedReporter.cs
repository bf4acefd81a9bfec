using System.Collections.Concurrent;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Reporting;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>
/// Stands in for GitHub in cluster tests: keeps what it "shows" per commit and context, records every request, and
/// fails the requests the test scripts, before taking them or (a lost answer) after.
/// </summary>
public sealed class ScriptedReporter : ICommitReporter
{
    private readonly ConcurrentDictionary<(string Sha, string Context), CommitReport> _shown = new();
    private readonly ConcurrentQueue<(CommitReport Report, DateTimeOffset At)> _sent = new();
    private readonly ConcurrentQueue<Func<CommitReport, Exception?>> _before = new();
    private readonly ConcurrentQueue<Func<CommitReport, Exception?>> _after = new();
    private readonly object _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private long _checkRuns;

    /// <summary>Every report GitHub took, in order, with when.</summary>
    public IReadOnlyList<(CommitReport Report, DateTimeOffset At)> Sent => _sent.ToArray();

    /// <summary>How many times a report was read back.</summary>
    public int Reads { get; private set; }

    /// <summary>The next send fails with what <paramref name="failure"/> gives, and GitHub takes nothing.</summary>
    public void FailNext(Func<CommitReport, Exception?> failure) => _before.Enqueue(failure);

    /// <summary>The next send is taken by GitHub, and then its answer is lost to <paramref name="failure"/>.</summary>
    public void LoseNextAnswer(Exception failure) => _after.Enqueue(_ => failure);

    /// <summary>Completes once GitHub has taken <paramref name="count"/> reports in all.</summary>
    public Task SentAsync(int count)
    {
        lock (_gate)
        {
            if (_sent.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(ClusterFixture.Wait);
        }
    }

    /// <summary>While true, GitHub answers every send 503 and takes nothing.</summary>
    public bool Down { get; set; }

    public Task<long?> SendAsync(CommitReport report, long? checkRun, CancellationToken cancellationToken)
    {
        if (Down)
        {
            throw new TransientException("GitHub answered 503");
        }

        if (_before.TryDequeue(out var before) && before(report) is { } refused)
        {
            throw refused;
        }

        lock (_gate)
        {
            _shown[(report.Sha, report.Context)] = report;
            _sent.Enqueue((report, DateTimeOffset.UtcNow));
            foreach (var waiter in _waiters.Where(w => _sent.Count >= w.Count).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Reached.TrySetResult();
            }
        }

        if (_after.TryDequeue(out var after) && after(report) is { } lost)
        {
            throw lost;
        }

        return Task.FromResult<long?>(checkRun ?? Interlocked.Increment(ref _checkRuns));
    }

    public Task<ShownReport?> ReadAsync(CommitReport report, CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult(_shown.TryGetValue((report.Sha, report.Context), out var shown)
            ? new ShownReport(shown.Outcome == report.Outcome && shown.Description == report.Description, null)
            : null);
    }

    /// <summary>A failure that may pass, with GitHub's word on when to come back.</summary>
    public static TransientException RateLimited(DateTimeOffset until) => new("rate limited") { NotBefore = until };
}
