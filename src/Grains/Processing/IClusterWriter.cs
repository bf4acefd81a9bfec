using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>
/// Where planned objects are written: the cluster (the Kubernetes adapter), or a folder in a dry run. Refusals throw
/// <see cref="Failures.DeliveryRefusedException"/> (nothing was written), failures that may pass
/// <see cref="Failures.TransientException"/>.
/// </summary>
public interface IClusterWriter
{
    /// <summary>
    /// Writes the plan. On a cluster, every object of it that already exists must belong to the event's repository,
    /// checked for all of them before any is written.
    /// </summary>
    Task<IReadOnlyList<AppliedObject>> ApplyAsync(ObjectPlan plan, WebhookEvent webhookEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a branch namespace marked as the handler's own for the event's repository and exact ref, unless it
    /// exists; refuses one the handler made for another repository or ref.
    /// </summary>
    Task EnsureNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken);

    /// <summary>Deletes a branch namespace only if the handler created it for this repository and this exact ref; true when deleted.</summary>
    Task<bool> DeleteOwnedNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken);
}
