using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Processing;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>The revision graph, answered by the repository's mirror.</summary>
public sealed class GitRevisionGraph(IGitMirror mirror, IOptions<GitOptions> options) : IRevisionGraph
{
    public Task<bool> IsAncestorAsync(WebhookEvent webhookEvent, string ancestor, string descendant, CancellationToken cancellationToken) =>
        mirror.IsAncestorAsync(webhookEvent.Repository.Key, RemoteUrl(webhookEvent, options.Value), ancestor, descendant, cancellationToken);

    public Task<string?> BranchHeadAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
        mirror.ResolveBranchAsync(webhookEvent.Repository.Key, RemoteUrl(webhookEvent, options.Value), webhookEvent.Ref.ShortName, cancellationToken);

    /// <summary>
    /// The payload URL the mirror is asked to fetch, by <see cref="GitOptions.CloneUrl"/>; the mirror rewrites it
    /// and checks it against <see cref="RemotePolicy"/> before anything is fetched.
    /// </summary>
    public static string RemoteUrl(WebhookEvent e, GitOptions options) => options.CloneUrl switch
    {
        CloneUrlSource.GitUrl => e.Repository.GitUrl,
        CloneUrlSource.SshUrl => e.Repository.SshUrl,
        _ => e.Repository.CloneUrl,
    };
}
