using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>
/// Reads <c>.ci/workflow.yaml</c> at the event's revision (a deletion reads it from the default branch), stamps and
/// plans it (<see cref="ManifestPipeline"/>), writes it, and then stops the ref's older workflows. A branch deletion
/// also removes the branch namespace the handler made. Refusals are final (after the apply they only become the
/// applied delivery's reason); unreachable servers are transient and retried by the grain.
/// </summary>
/// <param name="pipeline">Reads, stamps and plans the manifest.</param>
/// <param name="writer">Writes the plan: the cluster, or the dry-run folder.</param>
/// <param name="graph">Where a deletion's default branch is.</param>
/// <param name="stopper">Stops the ref's older workflows.</param>
/// <param name="decider">Which deliveries stop older work.</param>
/// <param name="placement">The default namespace and branch namespaces.</param>
/// <param name="supersede">The configured supersede policy, which a manifest may narrow.</param>
/// <param name="logger">Where outcomes are logged.</param>
public sealed partial class DeliveryProcessor(
    ManifestPipeline pipeline,
    IClusterWriter writer,
    IRevisionGraph graph,
    IWorkflowStopper stopper,
    SupersedeDecider decider,
    ObjectPlacement placement,
    IOptions<SupersedeOptions> supersede,
    ILogger<DeliveryProcessor> logger) : IDeliveryProcessor
{
    /// <summary>The annotation by which a manifest object asks to be applied when a tag is deleted.</summary>
    public const string TagDeletionAnnotation = StampKeys.Prefix + "run-on-tag-deletion";

    public async Task<ProcessingResult> ProcessAsync(WebhookEvent e, RefRecord? previous, CancellationToken cancellationToken)
    {
        try
        {
            return e.IsDeletion
                ? await DeleteRefAsync(e, previous, cancellationToken)
                : await ApplyRevisionAsync(e, previous, cancellationToken);
        }
        catch (DeliveryRefusedException m)
        {
            LogRejected(logger, e.Repository.FullName, e.Ref.Value, e.Delivery.Value, m.Message);
            return ProcessingResult.Final(DeliveryState.Rejected, m.Message);
        }
        catch (TransientException t)
        {
            LogTransient(logger, e.Repository.FullName, e.Ref.Value, e.Delivery.Value, t.Message);
            return ProcessingResult.Retry(t.Message);
        }
    }

    private async Task<ProcessingResult> ApplyRevisionAsync(WebhookEvent e, RefRecord? previous, CancellationToken cancellationToken)
    {
        var (objects, missing) = await pipeline.ReadAsync(e, e.Revision, cancellationToken);
        if (objects is null)
        {
            return ProcessingResult.Final(DeliveryState.NoManifest, missing, e.Revision);
        }

        var branchNamespace = placement.BranchNamespace(e);
        var plan = await pipeline.PlanAsync(objects, e, e.Revision, branchNamespace ?? placement.Namespace, cancellationToken);
        var policy = Policy(plan);
        if (branchNamespace is not null)
        {
            await writer.EnsureNamespaceAsync(branchNamespace, e, cancellationToken);
        }

        var applied = await writer.ApplyAsync(plan, e, cancellationToken);
        var (stopped, notStopped) = decider.StopsOlderWork(e)
            ? await StopOlderAsync(e, applied, previous, policy, cancellationToken)
            : ([], null);
        LogApplied(logger, e.Repository.FullName, e.Ref.Value, e.Revision, e.Delivery.Value, applied.Count, stopped.Count);
        return new ProcessingResult(DeliveryState.Applied, notStopped, applied, e.Revision) { Stopped = stopped, Reported = plan.Reported() };
    }

    /// <summary>
    /// A deletion, whichever of its two deliveries (a <c>delete</c> event, a push with <c>deleted: true</c>) came
    /// first: the default branch's manifest stamped <c>event_type=delete</c>, applied in the default namespace (a
    /// branch namespace is about to go). A branch's running workflows are then stopped and its namespace removed if
    /// the handler made it. A tag's deletion stops nothing and applies only the objects that ask for it.
    /// </summary>
    private async Task<ProcessingResult> DeleteRefAsync(WebhookEvent e, RefRecord? previous, CancellationToken cancellationToken)
    {
        var deletion = e.AsDeletion();
        var head = await graph.BranchHeadAsync(e, e.Repository.DefaultBranch, cancellationToken);
        var (objects, missing) = head is null
            ? (null, $"the default branch {e.Repository.DefaultBranch} does not exist")
            : await pipeline.ReadAsync(e, head, cancellationToken);
        if (e.Ref.IsTag && objects is not null)
        {
            objects = objects.Where(RunsOnTagDeletion).ToList();
            if (objects.Count == 0)
            {
                return ProcessingResult.Final(DeliveryState.Ignored,
                    $"tag deletion: no object of the manifest asks for it with {TagDeletionAnnotation}: \"true\"", head);
            }
        }

        var plan = objects is null ? ObjectPlan.Empty : await pipeline.PlanAsync(objects, deletion, head!, placement.Namespace, cancellationToken);
        var policy = Policy(plan);
        var applied = plan.Count == 0 ? [] : await writer.ApplyAsync(plan, deletion, cancellationToken);
        var (stopped, notStopped) = decider.StopsOlderWork(e) ? await StopOlderAsync(deletion, applied, previous, policy, cancellationToken) : ([], null);
        var notRemoved = placement.BranchNamespace(e) is { } branchNamespace ? await RemoveNamespaceAsync(branchNamespace, deletion, cancellationToken) : null;
        var reason = string.Join("; ", new[] { missing, notStopped, notRemoved }.OfType<string>()) is { Length: > 0 } joined ? joined : null;

        LogApplied(logger, e.Repository.FullName, e.Ref.Value, head ?? "", e.Delivery.Value, applied.Count, stopped.Count);
        return new ProcessingResult(objects is null ? DeliveryState.NoManifest : DeliveryState.Applied, reason, applied, head) { Stopped = stopped };
    }

    /// <summary>
    /// Stops the ref's older work once the new revision is applied. A refusal here (a 403, say) cannot undo the apply:
    /// the delivery stays applied and says what was not stopped. A transient failure is thrown on, and the whole delivery
    /// is tried again (the apply is idempotent).
    /// </summary>
    private async Task<(IReadOnlyList<AppliedObject> Stopped, string? Refused)> StopOlderAsync(
        WebhookEvent e, IReadOnlyList<AppliedObject> applied, RefRecord? previous, SupersedePolicy policy, CancellationToken cancellationToken)
    {
        try
        {
            return (await stopper.StopOlderAsync(e, applied, previous?.Objects ?? [], policy, cancellationToken), null);
        }
        catch (DeliveryRefusedException refused)
        {
            return ([], AfterApply(e, "older workflows were not stopped", refused));
        }
    }

    /// <summary>Removes a deleted branch's namespace after the deletion's apply; a refusal is reported like one of <see cref="StopOlderAsync"/>.</summary>
    private async Task<string?> RemoveNamespaceAsync(string name, WebhookEvent deletion, CancellationToken cancellationToken)
    {
        try
        {
            await writer.DeleteOwnedNamespaceAsync(name, deletion, cancellationToken);
            return null;
        }
        catch (DeliveryRefusedException refused)
        {
            return AfterApply(deletion, $"namespace {name} was not removed", refused);
        }
    }

    private string AfterApply(WebhookEvent e, string what, DeliveryRefusedException refused)
    {
        var reason = $"{what}: {refused.Message}";
        LogRefusedAfterApply(logger, e.Repository.FullName, e.Ref.Value, e.Delivery.Value, reason);
        return reason;
    }

    private static bool RunsOnTagDeletion(JsonObject manifestObject) =>
        manifestObject["metadata"]?["annotations"]?[TagDeletionAnnotation] is JsonValue value &&
        value.TryGetValue<string>(out var text) && string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Read before anything is written, so that a manifest asking for more than is configured changes nothing.</summary>
    private SupersedePolicy Policy(ObjectPlan plan) => SupersedePolicy.ForManifest(plan.Select(p => p.Body), supersede.Value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} object(s) for {Repository} {Ref} at {Revision} (delivery {DeliveryId}), superseded {Stopped}")]
    private static partial void LogApplied(ILogger logger, string repository, string @ref, string revision, string deliveryId, int count, int stopped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected the manifest of {Repository} {Ref} (delivery {DeliveryId}): {Reason}")]
    private static partial void LogRejected(ILogger logger, string repository, string @ref, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applied {Repository} {Ref} (delivery {DeliveryId}), but {Reason}")]
    private static partial void LogRefusedAfterApply(ILogger logger, string repository, string @ref, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Will retry {Repository} {Ref} (delivery {DeliveryId}): {Reason}")]
    private static partial void LogTransient(ILogger logger, string repository, string @ref, string deliveryId, string reason);
}
