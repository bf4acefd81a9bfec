using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>The revision graph, answered by the repository's mirror.</summary>
public sealed class GitRevisionGraph(IGitMirror mirror, IOptions<GitOptions> options) : IRevisionGraph
{
    public Task<bool> IsAncestorAsync(WebhookEvent webhookEvent, string ancestor, string descendant, CancellationToken cancellationToken) =>
        mirror.IsAncestorAsync(RemoteRepository.Of(webhookEvent, options.Value), webhookEvent.Ref, ancestor, descendant, cancellationToken);

    public Task<string?> RefTipAsync(WebhookEvent webhookEvent, GitRef reference, CancellationToken cancellationToken) =>
        mirror.ResolveRefAsync(RemoteRepository.Of(webhookEvent, options.Value), reference, cancellationToken);
}
