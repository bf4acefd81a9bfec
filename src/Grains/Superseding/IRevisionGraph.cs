using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Grains.Superseding;

/// <summary>
/// What git knows about a repository's history: the port the supersede decision asks which push is newer (and the
/// processor asks where a ref's tip is). Implemented by the git adapter; a refused remote throws
/// <see cref="Failures.DeliveryRefusedException"/>, an unreachable one <see cref="Failures.TransientException"/>.
/// </summary>
public interface IRevisionGraph
{
    /// <summary>Whether <paramref name="ancestor"/> is reachable from <paramref name="descendant"/> in the event's repository.</summary>
    Task<bool> IsAncestorAsync(WebhookEvent webhookEvent, string ancestor, string descendant, CancellationToken cancellationToken);

    /// <summary>
    /// The commit <paramref name="reference"/> of the event's repository points at on the server now: a branch's head, a
    /// tag's commit, a pull request's <c>refs/pull/N/head</c> or <c>refs/pull/N/merge</c>; null when there is no such ref.
    /// </summary>
    Task<string?> RefTipAsync(WebhookEvent webhookEvent, GitRef reference, CancellationToken cancellationToken);
}
