namespace K8sWebhookHandler.GitHubApiEmulator.State;

/// <summary>The output of a check run: title, summary (Markdown) and text.</summary>
public sealed record CheckRunOutput(string? Title, string? Summary, string? Text);

/// <summary>One check run as it stands now.</summary>
public sealed record CheckRun(
    long Id,
    string Repository,
    string HeadSha,
    string Name,
    string Status,
    string? Conclusion,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? DetailsUrl,
    string? ExternalId,
    CheckRunOutput Output,
    long AppId,
    long CheckSuiteId);

/// <summary>Check runs by id; a check suite per repository, SHA and App, as GitHub makes one for the first run. Thread-safe.</summary>
public sealed class CheckRunStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, CheckRun> _runs = [];
    private readonly Dictionary<(string, string, long), long> _suites = [];
    private long _nextId = 4_000_000_001;
    private long _nextSuiteId = 5_000_001;

    /// <summary>Adds a run, giving it an id and its check suite; <paramref name="run"/>'s own ids are ignored.</summary>
    public CheckRun Add(CheckRun run)
    {
        lock (_gate)
        {
            var suiteKey = (run.Repository.ToUpperInvariant(), run.HeadSha, run.AppId);
            if (!_suites.TryGetValue(suiteKey, out var suite))
            {
                _suites[suiteKey] = suite = _nextSuiteId++;
            }

            var stored = run with { Id = _nextId++, CheckSuiteId = suite };
            _runs[stored.Id] = stored;
            return stored;
        }
    }

    /// <summary>Replaces a run by what <paramref name="change"/> makes of it; null if there is no such run.</summary>
    public CheckRun? Update(long id, Func<CheckRun, CheckRun> change)
    {
        lock (_gate)
        {
            if (!_runs.TryGetValue(id, out var run))
            {
                return null;
            }

            var changed = change(run) with { Id = run.Id, CheckSuiteId = run.CheckSuiteId, Repository = run.Repository, AppId = run.AppId };
            _runs[id] = changed;
            return changed;
        }
    }

    public CheckRun? Get(long id)
    {
        lock (_gate)
        {
            return _runs.GetValueOrDefault(id);
        }
    }

    /// <summary>The runs of a repository whose head SHA is <paramref name="sha"/>, newest first.</summary>
    public IReadOnlyList<CheckRun> ForSha(string repository, string sha)
    {
        lock (_gate)
        {
            return _runs.Values
                .Where(r => r.HeadSha == sha && string.Equals(r.Repository, repository, StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(r => r.Id)
                .ToArray();
        }
    }
}
