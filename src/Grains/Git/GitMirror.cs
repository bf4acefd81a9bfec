using System.Collections.Concurrent;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Storage;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// LibGit2Sharp bare mirrors under <c>DataDirectory/mirrors</c>, one per remote URL (<see cref="MirrorPath"/>).
/// Every remote passes <see cref="RemotePolicy"/> before libgit2 sees it, and the token goes only where
/// <see cref="CredentialPolicy"/> says. Branches and tags are fetched into their own ref names; a revision that is
/// not a branch tip any more (a force-pushed commit) is fetched by its SHA. libgit2 is synchronous, so the work
/// runs on the thread pool, one operation per mirror at a time, within <see cref="GitOptions.FetchTimeout"/>.
/// </summary>
public sealed partial class GitMirror : IGitMirror
{
    /// <summary>How much longer than the deadline the caller waits for libgit2 to notice it by itself.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);
    private static readonly string[] RefSpecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly GitOptions _options;
    private readonly string _dataDirectory;
    private readonly ILogger<GitMirror> _logger;
    private readonly RemotePolicy _remotes;
    private readonly CredentialPolicy _credentials;

    /// <param name="options">Remotes, token and fetch limits.</param>
    /// <param name="dataDirectory">The mirrors live in its <c>mirrors/</c>.</param>
    /// <param name="logger">Where the mirror logs.</param>
    public GitMirror(IOptions<GitOptions> options, IOptions<DataDirectoryOptions> dataDirectory, ILogger<GitMirror> logger)
    {
        _options = options.Value;
        _dataDirectory = dataDirectory.Value.DataDirectory;
        _logger = logger;
        _remotes = new RemotePolicy(_options, _dataDirectory);
        _credentials = new CredentialPolicy(_options);
        if (LibGit2Timeouts.TryApply(_options.ConnectTimeout, _options.FetchTimeout) is { } problem)
        {
            LogNoSocketTimeouts(logger, problem);
        }
    }

    /// <summary>One operation on one mirror: the open repository and the limits its fetches run under.</summary>
    private sealed record Session(Repository Repo, RepositoryKey Repository, FetchGuard Guard, FetchOptions FetchOptions);

    public Task<SourceFile?> ReadFileAsync(RepositoryKey repository, string remoteUrl, string revision, string path, long maxBytes, CancellationToken cancellationToken) =>
        WithMirrorAsync(repository, remoteUrl, cancellationToken, session =>
        {
            var commit = FindCommit(session.Repo, revision) ?? FetchCommit(session, revision);
            return commit[path]?.Target is Blob blob
                ? new SourceFile(path, blob.Size, blob.Size > maxBytes ? null : blob.GetContentText())
                : null;
        });

    public Task<string?> ResolveBranchAsync(RepositoryKey repository, string remoteUrl, string branch, CancellationToken cancellationToken) =>
        WithMirrorAsync(repository, remoteUrl, cancellationToken, session =>
        {
            Fetch(session, RefSpecs);
            return session.Repo.Refs[$"refs/heads/{branch}"]?.ResolveToDirectReference()?.TargetIdentifier;
        });

    public Task<bool> IsAncestorAsync(RepositoryKey repository, string remoteUrl, string ancestor, string descendant, CancellationToken cancellationToken) =>
        WithMirrorAsync(repository, remoteUrl, cancellationToken, session =>
        {
            var older = FindCommit(session.Repo, ancestor) ?? FetchCommit(session, ancestor);
            var newer = FindCommit(session.Repo, descendant) ?? FetchCommit(session, descendant);
            var mergeBase = session.Repo.ObjectDatabase.FindMergeBase(older, newer);
            return mergeBase is not null && mergeBase.Sha == older.Sha;
        });

    private async Task<T> WithMirrorAsync<T>(RepositoryKey repository, string remoteUrl, CancellationToken cancellationToken, Func<Session, T> work)
    {
        var remote = _remotes.Resolve(remoteUrl, repository);
        var wait = _options.FetchTimeout + Margin;
        var path = MirrorPath.For(_dataDirectory, remote);
        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(wait, cancellationToken))
        {
            throw new TransientException($"the mirror of {remote} is still busy with an earlier fetch that has not ended");
        }

        var guard = new FetchGuard(remote, _options, cancellationToken);
        var running = Task.Run(() =>
        {
            using var repo = Open(path, remote.Value);
            return work(new Session(repo, repository, guard, guard.Options(_credentials, _options.GitHubToken)));
        }, CancellationToken.None);

        // The mirror is free again when libgit2 is done with it, not when this caller stops waiting: an abandoned
        // fetch must not share the repository with the next one.
        _ = running.ContinueWith(static (_, g) => ((SemaphoreSlim)g!).Release(), gate, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            return await running.WaitAsync(wait, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogAbandoned(_logger, repository.Value, remote.Value);
            throw guard.TimedOut(repository);
        }
    }

    private static Repository Open(string path, string remoteUrl)
    {
        if (!Repository.IsValid(path))
        {
            Directory.CreateDirectory(path);
            Repository.Init(path, isBare: true);
        }

        // Mirrors are keyed by the URL, so origin only ever holds that URL (never credentials: the policy refuses them).
        var repo = new Repository(path);
        if (repo.Network.Remotes["origin"] is null)
        {
            repo.Network.Remotes.Add("origin", remoteUrl);
        }

        return repo;
    }

    private static Commit? FindCommit(Repository repo, string revision) =>
        repo.Lookup(revision) switch
        {
            Commit commit => commit,
            TagAnnotation tag => tag.Target as Commit,
            _ => null,
        };

    private Commit FetchCommit(Session session, string revision)
    {
        Fetch(session, RefSpecs);
        if (FindCommit(session.Repo, revision) is { } afterRefs)
        {
            return afterRefs;
        }

        // Not reachable from any branch or tag (force-pushed away, or a branch since deleted): ask for it by SHA.
        try
        {
            Fetch(session, [revision]);
        }
        catch (TransientException) when (session.Guard.WithinLimits)
        {
            // The server does not hand out unadvertised commits; the lookup below says what is missing.
        }

        return FindCommit(session.Repo, revision)
            ?? throw new TransientException($"revision {revision} is not on the git server (yet) for {session.Repository}");
    }

    private void Fetch(Session session, IEnumerable<string> refSpecs)
    {
        try
        {
            Commands.Fetch(session.Repo, "origin", refSpecs, session.FetchOptions, logMessage: null);
        }
        catch (LibGit2SharpException e)
        {
            var failure = session.Guard.Failed(session.Repository, e);
            LogFetchFailed(_logger, session.Repository.Value, failure.Message);
            throw failure;
        }
    }

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "git fetch of {Repository} failed: {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string repository, string error);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "Stopped waiting for git fetch of {Repository} from {Remote}; the mirror stays locked until libgit2 returns")]
    private static partial void LogAbandoned(ILogger logger, string repository, string remote);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "libgit2's socket timeouts are not set ({Problem}); only the fetch deadline bounds a stalled server")]
    private static partial void LogNoSocketTimeouts(ILogger logger, string problem);
}
