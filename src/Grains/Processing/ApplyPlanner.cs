using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>
/// Decides where each object goes and whether it may: the kind must be served and allowed, a namespaced
/// object lands in the target namespace unless it names one that is allowed, and a cluster-scoped kind
/// needs its own permission. The metadata Kubernetes types strictly (names, namespace, labels, annotations)
/// must have those types. Every object is checked before any is sent, so a refused manifest changes nothing.
/// </summary>
public sealed class ApplyPlanner(IKindResolver resolver, ObjectPlacement placement)
{
    /// <param name="objects">Stamped objects.</param>
    /// <param name="targetNamespace">Where namespaced objects without a namespace go (a branch namespace, or <c>Handler:Namespace</c>).</param>
    /// <param name="cancellationToken">Cancels discovery.</param>
    public async Task<ObjectPlan> PlanAsync(IReadOnlyList<JsonObject> objects, string targetNamespace, CancellationToken cancellationToken)
    {
        var plan = new List<PlannedObject>(objects.Count);
        foreach (var obj in objects)
        {
            var kind = ManifestFields.OptionalString(obj, "kind", "kind", "an object") ?? "";
            var apiVersion = ManifestFields.OptionalString(obj, "apiVersion", "apiVersion", kind) ?? "";
            if (kind.Length == 0 || apiVersion.Length == 0)
            {
                throw new DeliveryRefusedException("an object has no apiVersion or no kind");
            }

            var resource = await resolver.ResolveAsync(apiVersion, kind, cancellationToken)
                ?? throw new DeliveryRefusedException($"the cluster does not serve {kind} in {apiVersion}");
            if (!placement.AllowedKinds.Contains(resource.PolicyName, StringComparer.Ordinal))
            {
                throw new DeliveryRefusedException($"{resource.PolicyName} is not an allowed kind (Handler:AllowedKinds is {string.Join(", ", placement.AllowedKinds)})");
            }

            var body = (JsonObject)obj.DeepClone();
            var metadata = ManifestFields.OptionalMap(body, "metadata", "metadata", kind)
                ?? throw new DeliveryRefusedException($"a {kind} has no metadata");
            var name = ReadName(metadata, kind);
            var ns = Place(resource, metadata, name, targetNamespace);
            plan.Add(new PlannedObject(resource, body, apiVersion, name, ns, StatusContext.For(resource, metadata, name)));
        }

        return new ObjectPlan(plan);
    }

    /// <summary>The name, after checking that every strictly typed metadata field has its type.</summary>
    private static string ReadName(JsonObject metadata, string kind)
    {
        ManifestFields.OptionalString(metadata, "generateName", "metadata.generateName", kind);
        ManifestFields.RequireStringMap(metadata, "labels", "metadata.labels", kind);
        ManifestFields.RequireStringMap(metadata, "annotations", "metadata.annotations", kind);
        var name = ManifestFields.OptionalString(metadata, "name", "metadata.name", kind) ?? "";
        return name.Length > 0 ? name : throw new DeliveryRefusedException($"a {kind} has neither metadata.name nor metadata.generateName");
    }

    /// <summary>The namespace the object goes to (written into its metadata), or null for a cluster-scoped kind.</summary>
    private string? Place(ResourceKind resource, JsonObject metadata, string name, string targetNamespace)
    {
        var kind = resource.Kind;
        var ns = ManifestFields.OptionalString(metadata, "namespace", "metadata.namespace", $"{kind} {name}");
        if (resource.Namespaced)
        {
            if (string.IsNullOrEmpty(ns))
            {
                metadata["namespace"] = targetNamespace;
                return targetNamespace;
            }

            return ns == targetNamespace || placement.AllowedNamespaces.Contains(ns, StringComparer.Ordinal)
                ? ns
                : throw new DeliveryRefusedException($"{kind} {name} names namespace {ns}; only {targetNamespace} is allowed (Handler:AllowedNamespaces adds more)");
        }

        if (!placement.AllowClusterScoped)
        {
            throw new DeliveryRefusedException($"{kind} {name} is cluster-scoped, which is not allowed (Handler:AllowClusterScoped)");
        }

        metadata.Remove("namespace");
        return null;
    }
}
