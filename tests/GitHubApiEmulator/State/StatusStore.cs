namespace K8sWebhookHandler.GitHubApiEmulator.State;

/// <summary>Who made a status or a check run: a user, or an App's bot.</summary>
public sealed record Actor(string Login, long Id, string Type);

/// <summary>One commit status as created.</summary>
public sealed record CommitStatus(
    long Id, string Repository, string Sha, string State, string? TargetUrl, string? Description, string Context, DateTimeOffset CreatedAt, Actor Creator);

/// <summary>
/// Commit statuses per repository and SHA, in creation order. As GitHub, it keeps at most
/// <see cref="LimitPerContext"/> statuses per SHA and context (contexts compare without case); the next is refused.
/// A ref is looked up as it is given: the emulator knows no branches, so statuses are found by the SHA they were set on.
/// </summary>
public sealed class StatusStore
{
    public const int LimitPerContext = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Repository, string Sha), List<CommitStatus>> _statuses = [];
    private long _nextId = 1;

    /// <summary>Adds a status; null if the SHA and context already have <see cref="LimitPerContext"/>.</summary>
    public CommitStatus? Add(string repository, string sha, string state, string? targetUrl, string? description, string context, Actor creator, DateTimeOffset now)
    {
        lock (_gate)
        {
            var key = (repository.ToUpperInvariant(), sha);
            if (!_statuses.TryGetValue(key, out var list))
            {
                _statuses[key] = list = [];
            }

            if (list.Count(s => string.Equals(s.Context, context, StringComparison.OrdinalIgnoreCase)) >= LimitPerContext)
            {
                return null;
            }

            var status = new CommitStatus(_nextId++, repository, sha, state, targetUrl, description, context, now, creator);
            list.Add(status);
            return status;
        }
    }

    /// <summary>Every status of the SHA, newest first, as GitHub lists them.</summary>
    public IReadOnlyList<CommitStatus> For(string repository, string sha)
    {
        lock (_gate)
        {
            return _statuses.TryGetValue((repository.ToUpperInvariant(), sha), out var list) ? list.AsEnumerable().Reverse().ToArray() : [];
        }
    }

    /// <summary>The newest status of each context, newest first: what the combined status is made of.</summary>
    public IReadOnlyList<CommitStatus> Latest(string repository, string sha) =>
        For(repository, sha).DistinctBy(s => s.Context.ToUpperInvariant()).ToArray();

    /// <summary>
    /// The combined state as GitHub computes it: <c>failure</c> if any context's latest is <c>error</c> or <c>failure</c>,
    /// <c>pending</c> if there is none or any is <c>pending</c>, else <c>success</c>.
    /// </summary>
    public static string Combine(IReadOnlyList<CommitStatus> latest) =>
        latest.Any(s => s.State is "error" or "failure") ? "failure"
        : latest.Count == 0 || latest.Any(s => s.State == "pending") ? "pending"
        : "success";
}
