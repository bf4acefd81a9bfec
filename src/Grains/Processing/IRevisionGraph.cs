using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>What git knows about a repository's history, for deciding which push is newer.</summary>
public interface IRevisionGraph
{
    /// <summary>Whether <paramref name="ancestor"/> is reachable from <paramref name="descendant"/> in the event's repository.</summary>
    Task<bool> IsAncestorAsync(WebhookEvent webhookEvent, string ancestor, string descendant, CancellationToken cancellationToken);

    /// <summary>The commit the event's branch points at on the server now, or null.</summary>
    Task<string?> BranchHeadAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken);
}
