using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>A git mirror that answers the manifest per revision; the default branch <c>main</c> is at <c>Sha(99)</c>.</summary>
internal sealed class FilesByRevision(Dictionary<string, string?> files) : IGitMirror
{
    public List<(string Url, string Revision)> Reads { get; } = [];

    public Task<string?> ReadFileAsync(RepositoryKey repository, string remoteUrl, string revision, string path, CancellationToken cancellationToken)
    {
        Reads.Add((remoteUrl, revision));
        return Task.FromResult(files.GetValueOrDefault(revision));
    }

    public Task<string?> ResolveBranchAsync(RepositoryKey repository, string remoteUrl, string branch, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(branch == "main" ? TestEvents.Sha(99) : null);

    public Task<bool> IsAncestorAsync(RepositoryKey repository, string remoteUrl, string ancestor, string descendant, CancellationToken cancellationToken) =>
        Task.FromResult(false);
}
