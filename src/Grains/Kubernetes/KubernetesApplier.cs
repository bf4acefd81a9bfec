using System.Net;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Inspection;
using K8sWebhookHandler.Grains.Manifests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Sends planned objects to the API server idempotently: objects the manifest names are server-side applied
/// under the handler's field manager; objects the handler named from a <c>generateName</c> are created, and
/// AlreadyExists means an earlier attempt of the same delivery already created them.
/// </summary>
public sealed partial class KubernetesApplier(
    KubernetesRestClient client, IKindResolver resolver, IOptions<HandlerOptions> options, ILogger<KubernetesApplier> logger) : IObjectSink
{
    private const string ApplyPatch = "application/apply-patch+yaml";

    public async Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, WebhookEvent webhookEvent, string targetNamespace, CancellationToken cancellationToken)
    {
        var plan = await new ApplyPlanner(resolver, options.Value).PlanAsync(objects, targetNamespace, cancellationToken);
        var applied = new List<AppliedObject>(plan.Count);
        foreach (var item in plan)
        {
            try
            {
                await SendAsync(item, cancellationToken);
            }
            catch (KubernetesApiException e) when (e.IsTransient)
            {
                throw new TransientException($"{item.Resource.Kind} {item.Name}: {e.Message}", e);
            }
            catch (KubernetesApiException e) when (e.Status == HttpStatusCode.Forbidden)
            {
                LogForbidden(logger, item.Resource.QualifiedPlural, item.Namespace ?? "(cluster)", e.ApiMessage);
                throw new ManifestException($"{item.Resource.Kind} {item.Name}: the handler's service account may not do this: {e.ApiMessage}");
            }
            catch (KubernetesApiException e)
            {
                throw new ManifestException($"{item.Resource.Kind} {item.Name}: the API server refused it: {e.ApiMessage}");
            }

            applied.Add(new AppliedObject(item.Body["apiVersion"]!.GetValue<string>(), item.Resource.Kind, item.Namespace, item.Name));
        }

        return applied;
    }

    public Task<IReadOnlyList<AppliedObject>> SupersedeAsync(WebhookEvent webhookEvent, IReadOnlyList<AppliedObject> keep,
        IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken) =>
        Guard(() => new WorkflowSuperseder(client, resolver).SupersedeAsync(webhookEvent, keep, previous, policy, cancellationToken));

    public Task EnsureNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
        Guard(() => new BranchNamespaces(client).EnsureAsync(name, webhookEvent, cancellationToken));

    public Task<bool> DeleteOwnedNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
        Guard(() => new BranchNamespaces(client).DeleteIfOwnedAsync(name, webhookEvent, cancellationToken));

    /// <summary>Server trouble is transient; any other refusal is a rejection with the server's message.</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (KubernetesApiException e) when (e.IsTransient)
        {
            throw new TransientException(e.Message, e);
        }
        catch (KubernetesApiException e)
        {
            throw new ManifestException($"the API server refused: {e.ApiMessage}");
        }
    }

    private static Task Guard(Func<Task> call) => Guard(async () =>
    {
        await call();
        return true;
    });

    private async Task SendAsync(PlannedObject item, CancellationToken cancellationToken)
    {
        if (item.IsNamedByManifest)
        {
            var path = item.Resource.ObjectPath(item.Namespace, item.Name) +
                $"?fieldManager={Uri.EscapeDataString(options.Value.FieldManager)}&force=true";
            await client.SendAsync(HttpMethod.Patch, path, item.Body, ApplyPatch, cancellationToken);
            return;
        }

        try
        {
            var path = item.Resource.CollectionPath(item.Namespace) + $"?fieldManager={Uri.EscapeDataString(options.Value.FieldManager)}";
            await client.SendAsync(HttpMethod.Post, path, item.Body, "application/json", cancellationToken);
        }
        catch (KubernetesApiException e) when (e.Status == HttpStatusCode.Conflict && e.Reason == "AlreadyExists")
        {
            // The name is derived from the delivery: an earlier attempt created it and its answer was lost.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Forbidden: grant the handler's role create and patch on {Resource} in {Namespace}: {ApiMessage}")]
    private static partial void LogForbidden(ILogger logger, string resource, string @namespace, string apiMessage);
}
