using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Inspection;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>Where stamped manifests go: the cluster, or a folder in a dry run.</summary>
public interface IObjectSink
{
    /// <summary>
    /// Checks every object against the policy, then sends them. Throws <see cref="Manifests.ManifestException"/>
    /// when the manifest is refused, <see cref="TransientException"/> when it may work later.
    /// </summary>
    Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, WebhookEvent webhookEvent, CancellationToken cancellationToken);
}
