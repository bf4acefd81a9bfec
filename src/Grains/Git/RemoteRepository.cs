using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// The repository a delivery is for, as the mirror fetches it: its key (in messages and logs, and what an installation
/// token is asked for), the URL the payload names (rewritten and checked by <see cref="RemotePolicy"/> before libgit2
/// sees it), and the GitHub App installation the event came through (null for a repository webhook).
/// </summary>
/// <param name="Key">The repository the event is for.</param>
/// <param name="Url">The payload's URL, chosen by <see cref="GitOptions.CloneUrl"/>.</param>
/// <param name="Installation">The payload's <c>installation.id</c>, if any.</param>
public sealed record RemoteRepository(RepositoryKey Key, string Url, long? Installation = null)
{
    /// <summary>The repository <paramref name="webhookEvent"/> names, with the URL <paramref name="options"/> choose.</summary>
    public static RemoteRepository Of(WebhookEvent webhookEvent, GitOptions options) =>
        new(webhookEvent.Repository.Key, PayloadRemote.Of(webhookEvent, options), webhookEvent.Installation);
}
