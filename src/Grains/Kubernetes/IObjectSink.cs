using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>Where stamped manifests go: the cluster, or a folder in a dry run.</summary>
public interface IObjectSink
{
    /// <summary>
    /// Checks every object against the policy, and (on a cluster) that every object which already exists belongs to
    /// the event's repository, then sends them; objects without a namespace go to <paramref name="targetNamespace"/>.
    /// Throws <see cref="Manifests.ManifestException"/> when the manifest is refused (nothing was sent),
    /// <see cref="TransientException"/> when it may work later.
    /// </summary>
    Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, WebhookEvent webhookEvent, string targetNamespace, CancellationToken cancellationToken);

    /// <summary>
    /// Stops (Argo) or deletes the handler's older objects for the event's ref, found by their labels among the
    /// kinds and namespaces of <paramref name="keep"/> and <paramref name="previous"/>; the objects in
    /// <paramref name="keep"/> are never touched. Returns what was stopped or deleted.
    /// </summary>
    Task<IReadOnlyList<AppliedObject>> SupersedeAsync(WebhookEvent webhookEvent, IReadOnlyList<AppliedObject> keep,
        IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a branch namespace marked as the handler's own for the event's repository and exact ref, unless it
    /// exists; refuses (<see cref="Manifests.ManifestException"/>) one the handler made for another repository or ref.
    /// </summary>
    Task EnsureNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken);

    /// <summary>Deletes a branch namespace only if the handler created it for this repository and this exact ref; true when deleted.</summary>
    Task<bool> DeleteOwnedNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken);
}
