using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// Records what it is asked to write and stop, and writes nothing. Asked to stop a ref's older objects, it answers the
/// previous objects it was given that are not kept, as if each was still running.
/// </summary>
internal sealed class RecordingWriter : IClusterWriter, IWorkflowStopper
{
    public List<IReadOnlyList<JsonObject>> Applied { get; } = [];

    public List<string> Namespaces { get; } = [];

    public List<SupersedePolicy> Superseded { get; } = [];

    /// <summary>Each stop asked for: the ref whose objects were stopped, what was kept, and where to look.</summary>
    public List<(string Ref, IReadOnlyList<AppliedObject> Keep, IReadOnlyList<AppliedObject> Previous)> Stops { get; } = [];

    public Task<IReadOnlyList<AppliedObject>> ApplyAsync(ObjectPlan plan, WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        Applied.Add(plan.Select(p => p.Body).ToList());
        Namespaces.AddRange(plan.Select(p => p.Namespace!).Distinct());
        return Task.FromResult(plan.Applied());
    }

    public Task<IReadOnlyList<AppliedObject>> StopOlderAsync(WebhookEvent webhookEvent, IReadOnlyList<AppliedObject> keep, IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken)
    {
        Superseded.Add(policy);
        Stops.Add((webhookEvent.Ref.Value, keep, previous));
        return Task.FromResult<IReadOnlyList<AppliedObject>>(previous.Except(keep).ToArray());
    }

    public Task EnsureNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        Namespaces.Add("ensure:" + name);
        return Task.CompletedTask;
    }

    public Task<bool> DeleteOwnedNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        Namespaces.Add("delete:" + name);
        return Task.FromResult(true);
    }
}
