using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>
/// Reads <c>.ci/workflow.yaml</c> at what the delivery runs (<see cref="DeliveryTargets"/>: its revision, a ref's tip, a
/// pull request's test merge; a fork's pull request reads the base branch's manifest), stamps and plans it
/// (<see cref="ManifestPipeline"/>), writes it, and then stops the ref's older workflows. The end of a ref stops all its
/// workflows: a deletion (which applies the default branch's manifest, and removes the branch namespace the handler
/// made), a pull request closed (after its manifest is applied once with <c>event_action=closed</c>), a merge group
/// destroyed (which applies nothing). Refusals are final (after the apply they only become the applied delivery's
/// reason); unreachable servers are transient and retried by the grain.
/// </summary>
/// <param name="pipeline">Reads, stamps and plans the manifest.</param>
/// <param name="writer">Writes the plan: the cluster, or the dry-run folder.</param>
/// <param name="graph">Where refs point: a deletion's default branch, a dispatch's ref, a pull request's refs and base branch.</param>
/// <param name="stopper">Stops the ref's older workflows.</param>
/// <param name="decider">Which deliveries stop older work.</param>
/// <param name="placement">The default namespace and branch namespaces.</param>
/// <param name="supersede">The configured supersede policy, which a manifest may narrow.</param>
/// <param name="pullRequests">Which commit of a pull request runs.</param>
/// <param name="logger">Where outcomes are logged.</param>
public sealed partial class DeliveryProcessor(
    ManifestPipeline pipeline,
    IClusterWriter writer,
    IRevisionGraph graph,
    IWorkflowStopper stopper,
    SupersedeDecider decider,
    ObjectPlacement placement,
    IOptions<SupersedeOptions> supersede,
    IOptions<PullRequestOptions> pullRequests,
    ILogger<DeliveryProcessor> logger) : IDeliveryProcessor
{
    private readonly DeliveryTargets _targets = new(graph, pullRequests.Value);

    /// <summary>The annotation by which a manifest object asks to be applied when a tag is deleted.</summary>
    public const string TagDeletionAnnotation = StampKeys.Prefix + "run-on-tag-deletion";

    public async Task<ProcessingResult> ProcessAsync(WebhookEvent e, RefRecord? previous, CancellationToken cancellationToken)
    {
        try
        {
            return RefEnding.Of(e) switch
            {
                RefEndingKind.Deletion => await DeleteRefAsync(e, previous, cancellationToken),
                RefEndingKind.MergeGroupDestroyed => await StopMergeGroupAsync(e, previous, cancellationToken),
                _ => await ApplyRevisionAsync(e, previous, cancellationToken),
            };
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
        var (target, unresolved) = await _targets.ResolveAsync(e, cancellationToken);
        if (target is null)
        {
            return ProcessingResult.Final(DeliveryState.NoManifest, unresolved);
        }

        var stamped = target.Stamped;
        var (objects, missing) = await pipeline.ReadAsync(stamped, target.ManifestRevision, cancellationToken);
        if (objects is null)
        {
            return ProcessingResult.Final(DeliveryState.NoManifest, target.ManifestSource is { } from ? $"{missing} ({from})" : missing, stamped.Revision);
        }

        if (target.ManifestSource is { } source)
        {
            LogManifestFrom(logger, e.Repository.FullName, e.Ref.Value, e.Delivery.Value, target.ManifestRevision, source);
        }

        var branchNamespace = placement.BranchNamespace(stamped);
        var plan = await pipeline.PlanAsync(objects, stamped, stamped.Revision, branchNamespace ?? placement.Namespace, cancellationToken);
        var policy = Policy(plan);
        if (branchNamespace is not null)
        {
            await writer.EnsureNamespaceAsync(branchNamespace, stamped, cancellationToken);
        }

        var applied = await writer.ApplyAsync(plan, stamped, cancellationToken);
        var (stopped, notStopped) = RefEnding.Of(e) == RefEndingKind.PullRequestClosed
            ? await StopPullRequestAsync(stamped, applied, previous, policy, cancellationToken)
            : decider.StopsOlderWork(e) ? await StopOlderAsync(stamped, applied, previous?.Objects ?? [], policy, cancellationToken) : ([], null);
        LogApplied(logger, e.Repository.FullName, stamped.Ref.Value, stamped.Revision, e.Delivery.Value, applied.Count, stopped.Count);
        return new ProcessingResult(DeliveryState.Applied, notStopped, applied, stamped.Revision) { Stopped = stopped, Reported = plan.Reported() };
    }

    /// <summary>
    /// Stops the ref's older work once the new revision is applied. A refusal here (a 403, say) cannot undo the apply:
    /// the delivery stays applied and says what was not stopped. A transient failure is thrown on, and the whole delivery
    /// is tried again (the apply is idempotent).
    /// </summary>
    private async Task<(IReadOnlyList<AppliedObject> Stopped, string? Refused)> StopOlderAsync(
        WebhookEvent e, IReadOnlyList<AppliedObject> applied, IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken)
    {
        try
        {
            return (await stopper.StopOlderAsync(e, applied, previous, policy, cancellationToken), null);
        }
        catch (DeliveryRefusedException refused)
        {
            return ([], AfterApply(e, "older workflows were not stopped", refused));
        }
    }

    private string AfterApply(WebhookEvent e, string what, DeliveryRefusedException refused)
    {
        var reason = $"{what}: {refused.Message}";
        LogRefusedAfterApply(logger, e.Repository.FullName, e.Ref.Value, e.Delivery.Value, reason);
        return reason;
    }

    /// <summary>Read before anything is written, so that a manifest asking for more than is configured changes nothing.</summary>
    private SupersedePolicy Policy(ObjectPlan plan) => SupersedePolicy.ForManifest(plan.Select(p => p.Body), supersede.Value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} object(s) for {Repository} {Ref} at {Revision} (delivery {DeliveryId}), superseded {Stopped}")]
    private static partial void LogApplied(ILogger logger, string repository, string @ref, string revision, string deliveryId, int count, int stopped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read the manifest of {Repository} {Ref} (delivery {DeliveryId}) at {ManifestRevision}, from {Source}")]
    private static partial void LogManifestFrom(ILogger logger, string repository, string @ref, string deliveryId, string manifestRevision, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected the manifest of {Repository} {Ref} (delivery {DeliveryId}): {Reason}")]
    private static partial void LogRejected(ILogger logger, string repository, string @ref, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applied {Repository} {Ref} (delivery {DeliveryId}), but {Reason}")]
    private static partial void LogRefusedAfterApply(ILogger logger, string repository, string @ref, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Will retry {Repository} {Ref} (delivery {DeliveryId}): {Reason}")]
    private static partial void LogTransient(ILogger logger, string repository, string @ref, string deliveryId, string reason);
}
