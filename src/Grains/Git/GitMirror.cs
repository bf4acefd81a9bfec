using System.Collections.Concurrent;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Telemetry;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// LibGit2Sharp bare mirrors under <c>DataDirectory/mirrors</c>, one per remote URL (<see cref="MirrorPath"/>).
/// Every remote passes <see cref="RemotePolicy"/> before libgit2 sees it, and the credential for the delivery's repository
/// (<see cref="IFetchCredentials"/>) goes only where <see cref="CredentialPolicy"/> says; a server that refuses a
/// short-lived one gets one more fetch with a renewed one. A fetch asks for what the delivery needs: the ref it names, into the same ref
/// name, and a revision not on it (a force-pushed commit) by its id; it runs in the mirror's
/// <see cref="FetchStaging"/>, so it takes one round with the server however long the history. libgit2 is
/// synchronous, so the work runs on the thread pool, one operation per mirror at a time, within
/// <see cref="GitOptions.FetchTimeout"/>.
/// </summary>
public sealed partial class GitMirror : IGitMirror
{
    /// <summary>How much longer than the deadline the caller waits for libgit2 to notice it by itself.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);
    private static readonly string[] AllBranchesAndTags = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<string, bool> _claimed = new();
    private readonly GitOptions _options;
    private readonly string _dataDirectory;
    private readonly ILogger<GitMirror> _logger;
    private readonly RemotePolicy _remotes;
    private readonly CredentialPolicy _policy;
    private readonly IFetchCredentials _credentials;
    private readonly HandlerMetrics _metrics;

    /// <param name="options">Remotes, credential hosts and fetch limits.</param>
    /// <param name="dataDirectory">The mirrors live in its <c>mirrors/</c>.</param>
    /// <param name="credentials">Where HTTPS credentials come from.</param>
    /// <param name="metrics">Records each fetch's duration and the bytes it received.</param>
    /// <param name="logger">Where the mirror logs.</param>
    public GitMirror(IOptions<GitOptions> options, IOptions<DataDirectoryOptions> dataDirectory, IFetchCredentials credentials, HandlerMetrics metrics,
        ILogger<GitMirror> logger)
    {
        _metrics = metrics;
        _options = options.Value;
        _dataDirectory = dataDirectory.Value.DataDirectory;
        _logger = logger;
        _remotes = new RemotePolicy(_options, _dataDirectory);
        _credentials = credentials;
        _policy = new CredentialPolicy(_options, credentials.GitHost);
        if (LibGit2Timeouts.TryApply(_options.ConnectTimeout, _options.FetchTimeout) is { } problem)
        {
            LogNoSocketTimeouts(logger, problem);
        }
    }

    /// <summary>One operation on one mirror: the open repository, where it lives, and the limits its fetches run under.</summary>
    private sealed record Session(Repository Repo, string Path, RemoteUrl Remote, RepositoryKey Repository, FetchGuard Guard, FetchOptions FetchOptions);

    public Task<SourceFile?> ReadFileAsync(RemoteRepository repository, GitRef reference, string revision, string path, long maxBytes, CancellationToken cancellationToken) =>
        WithMirrorAsync(repository, cancellationToken, session =>
        {
            var commit = FindCommit(session.Repo, revision) ?? FetchCommit(session, reference, revision);
            return commit[path]?.Target is Blob blob
                ? new SourceFile(path, blob.Size, blob.Size > maxBytes ? null : blob.GetContentText())
                : null;
        });

    public Task<string?> ResolveRefAsync(RemoteRepository repository, GitRef reference, CancellationToken cancellationToken)
    {
        if (reference.IsNone)
        {
            return Task.FromResult<string?>(null);
        }

        // Only that ref: the server's answer says whether it exists, and its tip is all that is wanted. A tag's tip is
        // its commit; a pull request's ref is fetched from the base repository, where GitHub publishes it.
        var name = reference.Value;
        return WithMirrorAsync(repository, cancellationToken, session =>
            Fetch(session, [$"+{name}:{name}"]).GetValueOrDefault(name) is { } tip ? FindCommit(session.Repo, tip.Sha)?.Sha : null);
    }

    public Task<bool> IsAncestorAsync(RemoteRepository repository, GitRef reference, string ancestor, string descendant, CancellationToken cancellationToken) =>
        WithMirrorAsync(repository, cancellationToken, session =>
        {
            var older = FindCommit(session.Repo, ancestor) ?? FetchCommit(session, reference, ancestor);
            var newer = FindCommit(session.Repo, descendant) ?? FetchCommit(session, reference, descendant);
            var mergeBase = session.Repo.ObjectDatabase.FindMergeBase(older, newer);
            return mergeBase is not null && mergeBase.Sha == older.Sha;
        });

    /// <summary>
    /// <paramref name="work"/> on the mirror of <paramref name="repository"/>'s remote, with the credential for it when the
    /// remote may have one; when the server refused a short-lived credential, once more with a new one.
    /// </summary>
    private async Task<T> WithMirrorAsync<T>(RemoteRepository repository, CancellationToken cancellationToken, Func<Session, T> work)
    {
        var remote = _remotes.Resolve(repository.Url, repository.Key);
        var credential = _policy.MaySend(remote)
            ? await _credentials.ForRepositoryAsync(repository.Key, repository.Installation, cancellationToken)
            : null;
        var guard = new FetchGuard(remote, _options, cancellationToken);
        try
        {
            return await WithMirrorAsync(repository.Key, remote, guard, credential, cancellationToken, work);
        }
        catch (TransientException) when (guard.CredentialRefused && credential is not null && _credentials.Refused(credential))
        {
            LogCredentialRefused(_logger, repository.Key.Value, credential.ToString());
            var renewed = await _credentials.ForRepositoryAsync(repository.Key, repository.Installation, cancellationToken);
            return await WithMirrorAsync(repository.Key, remote, new FetchGuard(remote, _options, cancellationToken), renewed, cancellationToken, work);
        }
    }

    private async Task<T> WithMirrorAsync<T>(RepositoryKey repository, RemoteUrl remote, FetchGuard guard, FetchCredential? credential, CancellationToken cancellationToken, Func<Session, T> work)
    {
        var wait = _options.FetchTimeout + Margin;
        var path = MirrorPath.For(_dataDirectory, remote);
        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(wait, cancellationToken))
        {
            throw new TransientException($"the mirror of {remote} is still busy with an earlier fetch that has not ended");
        }

        var running = Task.Run(() =>
        {
            if (_claimed.TryAdd(path, true))
            {
                ClaimMirror(repository, path);
            }

            using var repo = Open(path);
            return work(new Session(repo, path, remote, repository, guard, guard.Options(_policy, credential)));
        }, CancellationToken.None);

        // The mirror is free again when libgit2 is done with it, not when this caller stops waiting: an abandoned
        // fetch must not share the repository with the next one. Its packs are tidied first, after the answer.
        _ = running.ContinueWith(_ => TidyPacks(repository, path), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
            .ContinueWith(static (_, g) => ((SemaphoreSlim)g!).Release(), gate, CancellationToken.None,
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

    /// <summary>The first use of a mirror by this process: what a process that died while using it left is removed.</summary>
    private void ClaimMirror(RepositoryKey repository, string path)
    {
        foreach (var file in StaleLocks.Remove(path))
        {
            LogStaleLockRemoved(_logger, repository.Value, Path.GetRelativePath(path, file));
        }
    }

    /// <summary>Consolidates the mirror's packs when a fetch left too many; a failure only means they stay as they are.</summary>
    private void TidyPacks(RepositoryKey repository, string path)
    {
        try
        {
            if (MirrorPacks.Consolidate(path))
            {
                LogPacksConsolidated(_logger, repository.Value);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibGit2SharpException)
        {
            LogPacksNotConsolidated(_logger, repository.Value, e.Message);
        }
    }

    private static Repository Open(string path)
    {
        if (!Repository.IsValid(path))
        {
            Directory.CreateDirectory(path);
            Repository.Init(path, isBare: true);
        }

        return new Repository(path);
    }

    private static Commit? FindCommit(Repository repo, string revision) =>
        repo.Lookup(revision) switch
        {
            Commit commit => commit,
            TagAnnotation tag => tag.Target as Commit,
            _ => null,
        };

    /// <summary>
    /// The revision from the server, asking for as little as finds it: the ref it was pushed to (usually its tip, and
    /// what keeps the mirror's tips, the next fetch's haves, current), then the revision by its id, then every branch
    /// and tag.
    /// </summary>
    private Commit FetchCommit(Session session, GitRef reference, string revision)
    {
        if (!reference.IsNone)
        {
            Fetch(session, [$"+{reference.Value}:{reference.Value}"]);
            if (FindCommit(session.Repo, revision) is { } onItsRef)
            {
                return onItsRef;
            }
        }

        // Not on that ref (force-pushed away, or the branch since deleted): ask for it by id.
        if (ObjectId.TryParse(revision, out _))
        {
            try
            {
                Fetch(session, [revision]);
            }
            catch (TransientException) when (session.Guard.WithinLimits)
            {
                // The server does not hand out unadvertised commits: every branch and tag is the last place to look.
            }
        }

        if (FindCommit(session.Repo, revision) is { } byId)
        {
            return byId;
        }

        Fetch(session, AllBranchesAndTags);
        return FindCommit(session.Repo, revision)
            ?? throw new TransientException($"revision {revision} is not on the git server (yet) for {session.Repository}");
    }

    /// <summary>
    /// Fetches through the mirror's <see cref="FetchStaging"/>; the refs the fetch wrote, by name. A fetch cut short by a
    /// signal is made again at once (<see cref="FetchGuard.Interrupted"/>), a few times.
    /// </summary>
    private IReadOnlyDictionary<string, ObjectId> Fetch(Session session, IReadOnlyList<string> refSpecs)
    {
        using var activity = FetchActivity.Start(session.Repository, refSpecs);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return FetchActivity.Fetched(activity, MeasuredFetch(session, refSpecs));
            }
            catch (LibGit2SharpException e) when (attempt < MaxInterruptedAttempts && session.Guard.Interrupted(e))
            {
                LogFetchInterrupted(_logger, session.Repository.Value, attempt);
            }
            catch (LibGit2SharpException e)
            {
                var failure = session.Guard.Failed(session.Repository, e);
                LogFetchFailed(_logger, session.Repository.Value, failure.Message);
                throw FetchActivity.Failed(activity, failure);
            }
            catch (IOException e)
            {
                LogFetchFailed(_logger, session.Repository.Value, e.Message);
                throw FetchActivity.Failed(activity, new TransientException($"git fetch of {session.Repository} from {session.Remote} could not be stored in the mirror: {e.Message}", e));
            }
        }
    }

    /// <summary>One fetch, with its duration and the bytes it received recorded however it ends.</summary>
    private IReadOnlyDictionary<string, ObjectId> MeasuredFetch(Session session, IReadOnlyList<string> refSpecs)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var succeeded = false;
        session.Guard.BeginFetch();
        try
        {
            var fetched = FetchStaging.Fetch(session.Repo, session.Path, session.Remote.Value, refSpecs, session.FetchOptions);
            succeeded = true;
            return fetched;
        }
        finally
        {
            _metrics.GitFetched(succeeded, System.Diagnostics.Stopwatch.GetElapsedTime(started), session.Guard.ReceivedBytes);
        }
    }

    /// <summary>How often a fetch cut short by a signal is made at once before it counts as failed.</summary>
    private const int MaxInterruptedAttempts = 3;
}
