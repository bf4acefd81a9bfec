using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Gives a branch namespace the handler made the objects of <c>Handler:BranchNamespaces:Objects</c>, server-side applied
/// under the handler's field manager, in their order, labelled as the handler's for the branch.
/// </summary>
/// <remarks>
/// Applied again on every delivery into the namespace, not once: a crash between creating the namespace and applying its
/// objects is then repaired by the delivery's retry with no mark to keep, an object someone deleted comes back, and
/// changed settings reach the namespaces that exist. The cost is one apply per object per delivery (three with the
/// chart's defaults), which the API server answers without writing when nothing changed. A marker (an annotation on the
/// namespace) would save those requests but need <c>patch</c> on every namespace in the cluster, with which the handler
/// could mark any namespace as its own.
/// </remarks>
public sealed class BranchNamespaceProvisioner(KubernetesRestClient client, IKindResolver kinds, FreshNamespaceGrants grants, string fieldManager, string? objects)
{
    /// <summary>Applies the objects into <paramref name="ns"/>, which the handler made for <paramref name="e"/>'s branch.</summary>
    public async Task ApplyAsync(string ns, WebhookEvent e, CancellationToken cancellationToken)
    {
        var labels = HandlerLabels.ForBranchNamespace(e).Labels;
        labels.Remove(StampKeys.OwnedNamespaceLabel);
        foreach (var item in BranchNamespaceObjects.For(objects, ns))
        {
            var apiVersion = ManifestFields.StringOrNull(item["apiVersion"])!;
            var kind = ManifestFields.StringOrNull(item["kind"])!;
            var resource = await kinds.ResolveAsync(apiVersion, kind, cancellationToken);
            if (resource is not { Namespaced: true })
            {
                throw new DeliveryRefusedException($"branch namespace {ns}: the API server serves no namespaced {apiVersion} {kind}");
            }

            var metadata = (JsonObject)item["metadata"]!;
            if (metadata["labels"] is not JsonObject itsLabels)
            {
                metadata["labels"] = itsLabels = new JsonObject();
            }

            foreach (var (key, value) in labels)
            {
                itsLabels[key] = value;
            }

            var name = ManifestFields.StringOrNull(metadata["name"])!;
            var what = $"{kind} {ns}/{name}: ";
            await ApiAnswers.OutcomeAsync(what, () => grants.RunAsync(what, ns, () => client.ApplyAsync(resource, ns, name, item, fieldManager, cancellationToken), cancellationToken));
        }
    }
}
