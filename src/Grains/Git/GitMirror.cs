using System.Collections.Concurrent;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Identity;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// LibGit2Sharp bare mirrors under <c>DataDirectory/mirrors/owner/name.git</c>. Branches and tags are fetched
/// into their own ref names; a revision that is not a branch tip any more (a force-pushed commit) is fetched
/// by its SHA. libgit2 is synchronous, so the work runs on the thread pool, one operation per mirror at a time.
/// </summary>
public sealed partial class GitMirror(IOptions<HandlerOptions> options, ILogger<GitMirror> logger) : IGitMirror
{
    private static readonly string[] RefSpecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    public Task<string?> ReadFileAsync(RepositoryKey repository, string remoteUrl, string revision, string path, CancellationToken cancellationToken) =>
        WithMirrorAsync(repository, remoteUrl, cancellationToken, repo =>
        {
            var commit = FindCommit(repo, revision) ?? FetchCommit(repo, repository, revision);
            if (commit[path]?.Target is not Blob blob)
            {
                return null;
            }

            var limit = options.Value.Manifest.MaxBytes;
            return blob.Size > limit
                ? throw new ManifestException($"{path} is {blob.Size} bytes; at most {limit} are read")
                : blob.GetContentText();
        });

    public Task<string?> ResolveBranchAsync(RepositoryKey repository, string remoteUrl, string branch, CancellationToken cancellationToken) =>
        WithMirrorAsync(repository, remoteUrl, cancellationToken, repo =>
        {
            Fetch(repo, repository, RefSpecs);
            return repo.Refs[$"refs/heads/{branch}"]?.ResolveToDirectReference()?.TargetIdentifier;
        });

    public Task<bool> IsAncestorAsync(RepositoryKey repository, string remoteUrl, string ancestor, string descendant, CancellationToken cancellationToken) =>
        WithMirrorAsync(repository, remoteUrl, cancellationToken, repo =>
        {
            var older = FindCommit(repo, ancestor) ?? FetchCommit(repo, repository, ancestor);
            var newer = FindCommit(repo, descendant) ?? FetchCommit(repo, repository, descendant);
            var mergeBase = repo.ObjectDatabase.FindMergeBase(older, newer);
            return mergeBase is not null && mergeBase.Sha == older.Sha;
        });

    private async Task<T> WithMirrorAsync<T>(RepositoryKey repository, string remoteUrl, CancellationToken cancellationToken, Func<Repository, T> work)
    {
        var path = Path.GetFullPath(Path.Combine(options.Value.DataDirectory, "mirrors", repository.Owner, repository.Name + ".git"));
        var gate = _locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() =>
            {
                using var repo = Open(path, Rewrite(remoteUrl));
                return work(repo);
            }, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private static Repository Open(string path, string remoteUrl)
    {
        if (!Repository.IsValid(path))
        {
            Directory.CreateDirectory(path);
            Repository.Init(path, isBare: true);
        }

        var repo = new Repository(path);
        var origin = repo.Network.Remotes["origin"];
        if (origin is null)
        {
            repo.Network.Remotes.Add("origin", remoteUrl);
        }
        else if (origin.Url != remoteUrl)
        {
            repo.Network.Remotes.Update("origin", r => r.Url = remoteUrl);
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

    private Commit FetchCommit(Repository repo, RepositoryKey repository, string revision)
    {
        Fetch(repo, repository, RefSpecs);
        if (FindCommit(repo, revision) is { } afterRefs)
        {
            return afterRefs;
        }

        // Not reachable from any branch or tag (force-pushed away, or a branch since deleted): ask for it by SHA.
        try
        {
            Fetch(repo, repository, [revision]);
        }
        catch (TransientException)
        {
            // The server does not hand out unadvertised commits; the lookup below says what is missing.
        }

        return FindCommit(repo, revision)
            ?? throw new TransientException($"revision {revision} is not on the git server (yet) for {repository}");
    }

    private void Fetch(Repository repo, RepositoryKey repository, IEnumerable<string> refSpecs)
    {
        var fetchOptions = new FetchOptions { Prune = false, TagFetchMode = TagFetchMode.None };
        if (options.Value.GitHubToken is { Length: > 0 } token)
        {
            fetchOptions.CredentialsProvider = (_, _, _) => new UsernamePasswordCredentials { Username = "x-access-token", Password = token };
        }

        try
        {
            Commands.Fetch(repo, "origin", refSpecs, fetchOptions, logMessage: null);
        }
        catch (LibGit2SharpException e)
        {
            LogFetchFailed(logger, repository.Value, e.Message);
            throw new TransientException($"git fetch of {repository} failed: {e.Message}", e);
        }
    }

    private string Rewrite(string url)
    {
        foreach (var rewrite in options.Value.CloneUrlRewrites)
        {
            if (rewrite.From.Length > 0 && url.StartsWith(rewrite.From, StringComparison.Ordinal))
            {
                return rewrite.To + url[rewrite.From.Length..];
            }
        }

        return url;
    }

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "git fetch of {Repository} failed: {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string repository, string error);
}
