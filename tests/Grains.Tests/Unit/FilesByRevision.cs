using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Tests.Cluster;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>A git mirror that answers the manifest per revision; the default branch <c>main</c> is at <c>Sha(99)</c>, other refs where
/// <see cref="Tips"/> says.</summary>
internal sealed class FilesByRevision(Dictionary<string, string?> files) : IGitMirror
{
    public List<(string Url, string Revision)> Reads { get; } = [];

    /// <summary>Where each ref (in full) points on the server; <c>refs/heads/main</c> at <c>Sha(99)</c> unless a test moves it.</summary>
    public Dictionary<string, string> Tips { get; } = new() { ["refs/heads/main"] = TestEvents.Sha(99) };

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

    public Task<string?> ResolveRefAsync(RemoteRepository repository, GitRef reference, CancellationToken cancellationToken) =>
        Task.FromResult(Tips.GetValueOrDefault(reference.Value));

    /// <summary>The (ancestor, descendant) pairs of distinct commits that are related; every other pair is not.</summary>
    public HashSet<(string Ancestor, string Descendant)> Ancestry { get; } = [];

    public Task<bool> IsAncestorAsync(RemoteRepository repository, GitRef reference, string ancestor, string descendant, CancellationToken cancellationToken) =>
        Task.FromResult(ancestor == descendant || Ancestry.Contains((ancestor, descendant)));
}
