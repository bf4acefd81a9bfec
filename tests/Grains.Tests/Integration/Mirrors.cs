using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Storage;
using LibGit2Sharp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>Git mirrors as the handler makes them, over a test's data directory.</summary>
internal static class Mirrors
{
    /// <summary>A mirror with <paramref name="options"/> under <paramref name="dataDirectory"/>; anonymous unless <paramref name="credentials"/> are given.</summary>
    public static GitMirror Create(GitOptions options, string dataDirectory, IFetchCredentials? credentials = null) =>
        new(Options.Create(options), Options.Create(new DataDirectoryOptions { DataDirectory = dataDirectory }), credentials ?? new NoFetchCredentials(),
            Unit.MetricsRecorder.Unobserved(), NullLogger<GitMirror>.Instance);

    /// <summary>A mirror whose credential is always <paramref name="token"/>, as a configured token is.</summary>
    public static GitMirror Create(GitOptions options, string dataDirectory, string? token) =>
        Create(options, dataDirectory, token is null ? null : new FixedToken(token));

    /// <summary>
    /// A plain fetch into <paramref name="repository"/>, made again when a signal cut a socket read short (EINTR): the
    /// handler's own fetches do the same (<see cref="FetchGuard.Interrupted"/>), since libgit2's socket timeout keeps
    /// reads from being restarted and this process gets signals from the child processes the tests start.
    /// </summary>
    public static void Fetch(Repository repository, params string[] refSpecs)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Commands.Fetch(repository, "origin", refSpecs, new FetchOptions(), logMessage: null);
                return;
            }
            catch (LibGit2SharpException e) when (attempt < 5 && e.Message.Contains("Interrupted system call", StringComparison.Ordinal))
            {
            }
        }
    }

    /// <summary>One token for every repository, never renewed; GitHub's git host is <c>github.com</c>.</summary>
    internal sealed class FixedToken(string token) : IFetchCredentials
    {
        public string? GitHost => GitOptions.GitHubHost;

        public ValueTask<FetchCredential?> ForRepositoryAsync(K8sWebhookHandler.Abstractions.Identity.RepositoryKey repository, long? installation, CancellationToken cancellationToken) =>
            ValueTask.FromResult<FetchCredential?>(new FetchCredential(token, "the test's token"));

        public bool Refused(FetchCredential credential) => false;
    }
}
