using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Grains.Superseding;

/// <summary>
/// What git knows about a repository's history: the port the supersede decision asks which push is newer (and the
/// processor asks where a deletion's default branch is). Implemented by the git adapter; a refused remote throws
/// <see cref="Failures.DeliveryRefusedException"/>, an unreachable one <see cref="Failures.TransientException"/>.
/// </summary>
public interface IRevisionGraph
{
    /// <summary>Whether <paramref name="ancestor"/> is reachable from <paramref name="descendant"/> in the event's repository.</summary>
    Task<bool> IsAncestorAsync(WebhookEvent webhookEvent, string ancestor, string descendant, CancellationToken cancellationToken);

    /// <summary>The commit <paramref name="branch"/> (a short name, e.g. <c>main</c>) of the event's repository points at on the server now, or null.</summary>
    Task<string?> BranchHeadAsync(WebhookEvent webhookEvent, string branch, CancellationToken cancellationToken);
}
