using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>Where the API server serves a kind's objects.</summary>
public static class ResourcePaths
{
    /// <summary><c>/apis/group/version/namespaces/ns/plural</c>, or without the namespace for a cluster-scoped kind.</summary>
    public static string CollectionPath(this ResourceKind resource, string? ns)
    {
        var root = resource.Group.Length == 0 ? $"/api/{resource.Version}" : $"/apis/{resource.Group}/{resource.Version}";
        return resource.Namespaced ? $"{root}/namespaces/{ns}/{resource.Plural}" : $"{root}/{resource.Plural}";
    }

    /// <summary>
    /// The collection in <paramref name="ns"/>, or across all namespaces when it is null (<c>/apis/group/version/plural</c>,
    /// which needs a cluster-wide grant).
    /// </summary>
    public static string CollectionPathOrAll(this ResourceKind resource, string? ns) =>
        ns is null ? (resource with { Namespaced = false }).CollectionPath(null) : resource.CollectionPath(ns);

    /// <summary>The collection path and the escaped name.</summary>
    public static string ObjectPath(this ResourceKind resource, string? ns, string name) => $"{resource.CollectionPath(ns)}/{Uri.EscapeDataString(name)}";
}
