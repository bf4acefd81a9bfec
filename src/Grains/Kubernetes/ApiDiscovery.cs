using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;

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

        // Subresources (pods/log) are skipped; an entry without a name or kind is not a kind that can be applied.
        return (list["resources"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(r => (Name: ManifestFields.StringOrNull(r["name"]), Kind: ManifestFields.StringOrNull(r["kind"]), Cluster: r["namespaced"]?.GetValueKind() == JsonValueKind.False))
            .Where(r => r.Name is not null && r.Kind is not null && !r.Name.Contains('/', StringComparison.Ordinal))
            .Select(r => new ResourceKind(group, version, r.Kind!, r.Name!, !r.Cluster))
            .ToArray();
    }
}
