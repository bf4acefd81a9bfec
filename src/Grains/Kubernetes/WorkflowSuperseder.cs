using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Telemetry;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Stops the handler's older workflows of a ref once a newer revision is applied: found by the handler's own
/// labels (and the exact ref and repository annotations, since labels are sanitised), never the objects just
/// applied, never a workflow that has already finished or been shut down. Argo Workflows get
/// <c>spec.shutdown</c>; other kinds are deleted or left alone, as the policy says. The API server's refusals are
/// final, its failures transient (<see cref="ApiAnswers"/>).
/// </summary>
public sealed class WorkflowSuperseder(KubernetesRestClient client, IKindResolver resolver, HandlerMetrics metrics) : IWorkflowStopper
{
    private static readonly HashSet<string> FinishedPhases = ["Succeeded", "Failed", "Error"];

    public Task<IReadOnlyList<AppliedObject>> StopOlderAsync(WebhookEvent webhookEvent, IReadOnlyList<AppliedObject> keep,
        IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken) =>
        ApiAnswers.OutcomeAsync("", () => StopAllAsync(webhookEvent, keep, previous, policy, cancellationToken));

    private async Task<IReadOnlyList<AppliedObject>> StopAllAsync(WebhookEvent e, IReadOnlyList<AppliedObject> keep,
        IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken)
    {
        var selector = Uri.EscapeDataString(HandlerLabels.RefSelector(e));
        var stopped = new List<AppliedObject>();
        foreach (var place in keep.Concat(previous).Select(o => (o.ApiVersion, o.Kind, o.Namespace)).Distinct())
        {
            var resource = await resolver.ResolveAsync(place.ApiVersion, place.Kind, cancellationToken);
            var mode = resource is null ? SupersedeMode.None : IsWorkflow(resource) ? policy.Workflows : policy.OtherKinds;
            if (resource is null || mode == SupersedeMode.None)
            {
                continue;
            }

            var list = await client.GetAsync($"{resource.CollectionPath(place.Namespace)}?labelSelector={selector}", cancellationToken);
            foreach (var item in (list["items"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (ManifestFields.StringOrNull(item["metadata"]?["name"]) is not { } name)
                {
                    continue;
                }

                var candidate = new AppliedObject(place.ApiVersion, resource.Kind, place.Namespace, name);
                if (keep.Contains(candidate) || !IsThisRefs(item, name, e) || IsDone(item))
                {
                    continue;
                }

                if (await StopAsync(resource, place.Namespace, name, mode, cancellationToken))
                {
                    stopped.Add(candidate);
                }
            }
        }

        return stopped;
    }

    private static bool IsWorkflow(ResourceKind resource) => resource is { Group: "argoproj.io", Kind: "Workflow" };

    /// <summary>Labels are sanitised and may match other refs or repositories: the exact ref and repository decide.</summary>
    private static bool IsThisRefs(JsonObject item, string name, WebhookEvent e) =>
        ManifestFields.StringOrNull(item["metadata"]?["annotations"]?[StampKeys.Ref]) == e.Ref.Value &&
        ObjectOwnership.RefusalToChange(item, name, e) is null;

    private static bool IsDone(JsonObject item) =>
        item["spec"]?["shutdown"] is not null || FinishedPhases.Contains(ManifestFields.StringOrNull(item["status"]?["phase"]) ?? "");

    /// <summary>Stops or deletes one object; false when it was gone already (deleted by someone, or by Argo's TTL).</summary>
    private async Task<bool> StopAsync(ResourceKind resource, string? ns, string name, SupersedeMode mode, CancellationToken cancellationToken)
    {
        try
        {
            if (mode == SupersedeMode.Delete)
            {
                await client.SendAsync(HttpMethod.Delete, resource.ObjectPath(ns, name), null, null, cancellationToken);
                metrics.ObjectStopped(StopAction.Delete);
                return true;
            }

            var (shutdown, action) = mode == SupersedeMode.Terminate ? ("Terminate", StopAction.Terminate) : ("Stop", StopAction.Stop);
            var patch = new JsonObject { ["spec"] = new JsonObject { ["shutdown"] = shutdown } };
            await client.SendAsync(HttpMethod.Patch, resource.ObjectPath(ns, name), patch, "application/merge-patch+json", cancellationToken);
            metrics.ObjectStopped(action);
            return true;
        }
        catch (KubernetesApiException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
