using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Tells a 403 that will pass from one that will not. The handler's rights in a branch namespace come from a RoleBinding
/// it writes there right after creating the namespace, and the API server's authorizer sees a new RoleBinding only a
/// moment later. So a 403 in a namespace the handler made (labelled as its own) less than <see cref="Propagation"/> ago
/// is transient, and the delivery is tried again; any other 403 stays a refusal.
/// </summary>
public sealed class FreshNamespaceGrants(KubernetesRestClient client, TimeProvider time)
{
    /// <summary>How long after its creation a namespace's RoleBindings may still be unknown to the authorizer.</summary>
    public static readonly TimeSpan Propagation = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="call"/>; a 403 in a young handler-made namespace <paramref name="ns"/> becomes a <see cref="TransientException"/>.</summary>
    /// <param name="what">How the outcome names the object (<c>Workflow ci/build: </c>).</param>
    /// <param name="ns">The object's namespace, or null for a cluster-scoped one.</param>
    /// <param name="call">The requests.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public async Task<T> RunAsync<T>(string what, string? ns, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (KubernetesApiException e) when (e.Status == HttpStatusCode.Forbidden && ns is not null)
        {
            if (await AgeIfHandlersAsync(ns, cancellationToken) is { } age && age < Propagation)
            {
                throw new TransientException(
                    $"{what}forbidden in namespace {ns}, which the handler made {age.TotalSeconds:0} s ago: its RoleBindings may not have reached the authorizer yet ({e.ApiMessage})", e);
            }

            throw;
        }
    }

    /// <inheritdoc cref="RunAsync{T}"/>
    public Task RunAsync(string what, string? ns, Func<Task> call, CancellationToken cancellationToken) => RunAsync(what, ns, async () =>
    {
        await call();
        return true;
    }, cancellationToken);

    /// <summary>How old the namespace is, or null when it is not the handler's or cannot be read.</summary>
    private async Task<TimeSpan?> AgeIfHandlersAsync(string ns, CancellationToken cancellationToken)
    {
        JsonNode found;
        try
        {
            found = await client.GetAsync($"/api/v1/namespaces/{ns}", cancellationToken);
        }
        catch (KubernetesApiException)
        {
            return null;
        }

        var metadata = found["metadata"];
        var owned = ManifestFields.StringOrNull(metadata?["labels"]?[StampKeys.OwnedNamespaceLabel]) == "true";
        var created = ManifestFields.StringOrNull(metadata?["creationTimestamp"]);
        return owned && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? time.GetUtcNow() - at
            : null;
    }
}
