using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Resolves kinds through the API server's discovery documents, one group-version at a time. Answers are
/// cached; a kind the cache does not know is looked up again once, so a CRD installed later is found.
/// </summary>
public sealed class ApiDiscovery(KubernetesRestClient client) : IKindResolver
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<ResourceKind>> _cache = new();

    public async Task<ResourceKind?> ResolveAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(apiVersion, out var known) && known.FirstOrDefault(k => k.Kind == kind) is { } hit)
        {
            return hit;
        }

        var fresh = await LoadAsync(apiVersion, cancellationToken);
        _cache[apiVersion] = fresh;
        return fresh.FirstOrDefault(k => k.Kind == kind);
    }

    private async Task<IReadOnlyList<ResourceKind>> LoadAsync(string apiVersion, CancellationToken cancellationToken)
    {
        var (group, version) = ResourceKind.SplitApiVersion(apiVersion);
        JsonNode list;
        try
        {
            list = await client.GetAsync(group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}", cancellationToken);
        }
        catch (KubernetesApiException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }

        return (list["resources"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(r => r["name"]?.GetValue<string>() is { } name && !name.Contains('/', StringComparison.Ordinal))
            .Select(r => new ResourceKind(group, version, r["kind"]!.GetValue<string>(), r["name"]!.GetValue<string>(), r["namespaced"]?.GetValue<bool>() ?? true))
            .ToArray();
    }
}

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
