using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>The end of a ref: a deletion, a pull request closed, a merge group destroyed.</summary>
public sealed partial class DeliveryProcessor
{
    /// <summary>
    /// A deletion, whichever of its two deliveries (a <c>delete</c> event, a push with <c>deleted: true</c>) came
    /// first: the default branch's manifest stamped <c>event_type=delete</c>, applied in the default namespace (a
    /// branch namespace is about to go). A branch's running workflows are then stopped and its namespace removed if
    /// the handler made it. A tag's deletion stops nothing and applies only the objects that ask for it.
    /// </summary>
    private async Task<ProcessingResult> DeleteRefAsync(WebhookEvent e, RefRecord? previous, CancellationToken cancellationToken)
    {
        var deletion = e.AsDeletion();
        var (head, objects, missing) = await ReadDefaultBranchAsync(e, cancellationToken);
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
        var (stopped, notStopped) = decider.StopsOlderWork(e) ? await StopOlderAsync(deletion, applied, previous?.Objects ?? [], policy, cancellationToken) : ([], null);
        var notRemoved = placement.BranchNamespace(e) is { } branchNamespace ? await RemoveNamespaceAsync(branchNamespace, deletion, cancellationToken) : null;
        var reason = Joined(missing, notStopped, notRemoved);

        LogApplied(logger, e.Repository.FullName, e.Ref.Value, head ?? "", e.Delivery.Value, applied.Count, stopped.Count);
        return new ProcessingResult(objects is null ? DeliveryState.NoManifest : DeliveryState.Applied, reason, applied, head) { Stopped = stopped };
    }

    /// <summary>
    /// A pull request closed, merged or not, after its manifest was applied once with <c>event_action=closed</c>: every
    /// running workflow of the pull request is stopped, whatever its commit, under its head ref and under its test merge
    /// ref (<c>Handler:PullRequests:Checkout=Merge</c> runs there); what the closed delivery applied is kept.
    /// </summary>
    private async Task<(IReadOnlyList<AppliedObject> Stopped, string? Refused)> StopPullRequestAsync(
        WebhookEvent closed, IReadOnlyList<AppliedObject> applied, RefRecord? previous, SupersedePolicy policy, CancellationToken cancellationToken)
    {
        var merge = closed.PullRequest is { } pr ? closed with { Ref = GitRef.PullRequestMerge(pr.Number) } : null;
        var (head, headRefused) = await StopOlderAsync(closed, applied, previous?.Objects ?? [], policy, cancellationToken);
        var (merged, mergeRefused) = merge is null ? ([], null) : await StopOlderAsync(merge, applied, previous?.Objects ?? [], policy, cancellationToken);
        return ([.. head, .. merged], Joined(headRefused, mergeRefused));
    }

    /// <summary>
    /// A merge group destroyed (merged, dequeued or invalidated): its running workflows are stopped, the branch namespace
    /// the handler made for its branch is removed, and nothing is applied. Where the workflows run and how they are
    /// stopped come from what the group applied (<paramref name="previous"/>) and from the default branch's manifest,
    /// planned as the group's but not written: the group's own commit may be gone with its branch.
    /// </summary>
    private async Task<ProcessingResult> StopMergeGroupAsync(WebhookEvent e, RefRecord? previous, CancellationToken cancellationToken)
    {
        var plan = await PlanWithoutApplyingAsync(e, cancellationToken);
        var places = (previous?.Objects ?? []).Concat(plan.Applied()).ToList();
        var (stopped, notStopped) = await StopOlderAsync(e, [], places, Policy(plan), cancellationToken);
        var notRemoved = placement.BranchNamespace(e) is { } branchNamespace ? await RemoveNamespaceAsync(branchNamespace, e, cancellationToken) : null;
        LogApplied(logger, e.Repository.FullName, e.Ref.Value, e.Revision, e.Delivery.Value, 0, stopped.Count);
        return new ProcessingResult(DeliveryState.Applied, Joined(notStopped, notRemoved), [], e.Revision) { Stopped = stopped };
    }

    /// <summary>The default branch's manifest planned as <paramref name="e"/>'s, or an empty plan when there is none or it is refused.</summary>
    private async Task<ObjectPlan> PlanWithoutApplyingAsync(WebhookEvent e, CancellationToken cancellationToken)
    {
        try
        {
            var (_, objects, _) = await ReadDefaultBranchAsync(e, cancellationToken);
            return objects is null
                ? ObjectPlan.Empty
                : await pipeline.PlanAsync(objects, e, e.Revision, placement.BranchNamespace(e) ?? placement.Namespace, cancellationToken);
        }
        catch (DeliveryRefusedException)
        {
            // Only where to look is lost: what the group applied is still searched, under the configured policy.
            return ObjectPlan.Empty;
        }
    }

    /// <summary>The default branch's head and its manifest, read for <paramref name="e"/>; no objects, and why, when either is missing.</summary>
    private async Task<(string? Head, IReadOnlyList<JsonObject>? Objects, string? Missing)> ReadDefaultBranchAsync(
        WebhookEvent e, CancellationToken cancellationToken)
    {
        if (await graph.RefTipAsync(e, DeliveryTargets.DefaultBranch(e), cancellationToken) is not { } head)
        {
            return (null, null, $"the default branch {e.Repository.DefaultBranch} does not exist");
        }

        var (objects, missing) = await pipeline.ReadAsync(e, head, cancellationToken);
        return (head, objects, missing);
    }

    private static string? Joined(params string?[] reasons) =>
        string.Join("; ", reasons.OfType<string>()) is { Length: > 0 } joined ? joined : null;

    /// <summary>Removes the namespace of a deleted branch or a destroyed merge group's branch; a refusal is reported like one of <see cref="StopOlderAsync"/>.</summary>
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

    private static bool RunsOnTagDeletion(JsonObject manifestObject) =>
        manifestObject["metadata"]?["annotations"]?[TagDeletionAnnotation] is JsonValue value &&
        value.TryGetValue<string>(out var text) && string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);

}
