using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Processing;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>The manifest at a revision, read from the repository's mirror.</summary>
public sealed class GitManifestSource(IGitMirror mirror, IOptions<GitOptions> options) : IManifestSource
{
    public Task<SourceFile?> ReadAsync(WebhookEvent webhookEvent, string revision, string path, long maxBytes, CancellationToken cancellationToken) =>
        mirror.ReadFileAsync(RemoteRepository.Of(webhookEvent, options.Value), webhookEvent.Ref, revision, path, maxBytes, cancellationToken);
}
