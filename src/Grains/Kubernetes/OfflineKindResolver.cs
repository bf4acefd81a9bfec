using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// For rendering and dry runs, where there is no cluster to ask: every kind is namespaced except the
/// well-known cluster-scoped ones, and plurals follow the usual English rule.
/// </summary>
public sealed class OfflineKindResolver : IKindResolver
{
    private static readonly HashSet<string> ClusterScoped =
    [
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "StorageClass", "PriorityClass", "ClusterWorkflowTemplate", "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration", "IngressClass", "RuntimeClass", "APIService", "CSIDriver",
    ];

    public Task<ResourceKind?> ResolveAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        var (group, version) = ResourceKind.SplitApiVersion(apiVersion);
        var lower = kind.ToLowerInvariant();
        var plural = lower.EndsWith('s') ? lower + "es" : lower.EndsWith('y') ? lower[..^1] + "ies" : lower + "s";
        return Task.FromResult<ResourceKind?>(new ResourceKind(group, version, kind, plural, !ClusterScoped.Contains(kind)));
    }
}
