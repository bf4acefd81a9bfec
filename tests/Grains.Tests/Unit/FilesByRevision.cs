using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>A git mirror that answers the manifest per revision; the default branch <c>main</c> is at <c>Sha(99)</c>.</summary>
internal sealed class FilesByRevision(Dictionary<string, string?> files) : IGitMirror
{
    public List<(string Url, string Revision)> Reads { get; } = [];

    public Task<SourceFile?> ReadFileAsync(RemoteRepository repository, GitRef reference, string revision, string path, long maxBytes, CancellationToken cancellationToken)
    {
        Reads.Add((repository.Url, revision));
        if (files.GetValueOrDefault(revision) is not { } text)
        {
            return Task.FromResult<SourceFile?>(null);
        }

        var size = System.Text.Encoding.UTF8.GetByteCount(text);
        return Task.FromResult<SourceFile?>(new SourceFile(path, size, size > maxBytes ? null : text));
    }

    public Task<string?> ResolveBranchAsync(RemoteRepository repository, string branch, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(branch == "main" ? TestEvents.Sha(99) : null);

    public Task<bool> IsAncestorAsync(RemoteRepository repository, GitRef reference, string ancestor, string descendant, CancellationToken cancellationToken) =>
        Task.FromResult(false);
}
