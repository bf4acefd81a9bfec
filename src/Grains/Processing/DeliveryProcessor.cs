using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Processing;

/// <summary>
/// Reads <c>.ci/workflow.yaml</c> at the event's revision (a deletion reads it from the default branch), stamps
/// it, applies it, and then stops the ref's older workflows. A branch deletion also removes the branch
/// namespace the handler made. Refusals are final (after the apply they only become the applied delivery's reason);
/// unreachable servers are transient and retried by the grain.
/// </summary>
/// <param name="git">Reads the manifest.</param>
/// <param name="sink">Applies it.</param>
/// <param name="decider">Whether the event takes part in superseding.</param>
/// <param name="remotes">Which payload URL is fetched.</param>
/// <param name="manifests">Where the manifest is and what it may cost to read.</param>
/// <param name="kubernetes">The default namespace and branch namespaces.</param>
/// <param name="supersede">The configured supersede policy.</param>
/// <param name="logger">Where outcomes are logged.</param>
public sealed partial class DeliveryProcessor(
    IGitMirror git,
    IObjectSink sink,
    SupersedeDecider decider,
    IOptions<GitOptions> remotes,
    IOptions<ManifestOptions> manifests,
    IOptions<KubernetesOptions> kubernetes,
    IOptions<SupersedeOptions> supersede,
    ILogger<DeliveryProcessor> logger) : IDeliveryProcessor
{
    /// <summary>The annotation by which a manifest chooses its own supersede mode.</summary>
    public const string SupersedeAnnotation = StampKeys.Prefix + "supersede";

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
        var (objects, missing) = await ReadManifestAsync(e, e.Revision, cancellationToken);
        if (objects is null)
        {
            return ProcessingResult.Final(DeliveryState.NoManifest, missing, e.Revision);
        }

        var stamped = ManifestStamper.Stamp(objects, e, e.Revision);
        var policy = Policy(stamped);
        var branchNamespace = BranchNamespace(e);
        if (branchNamespace is not null)
        {
            await sink.EnsureNamespaceAsync(branchNamespace, e, cancellationToken);
        }

        var applied = await sink.ApplyAsync(stamped, e, branchNamespace ?? kubernetes.Value.Namespace, cancellationToken);
        var (stopped, notStopped) = decider.TakesPart(e)
            ? await StopOlderAsync(e, applied, previous, policy, cancellationToken)
            : ([], null);
        LogApplied(logger, e.Repository.FullName, e.Ref.Value, e.Revision, e.Delivery.Value, applied.Count, stopped.Count);
        return new ProcessingResult(DeliveryState.Applied, notStopped, applied, e.Revision) { Stopped = stopped };
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
        var head = await git.ResolveBranchAsync(e.Repository.Key, GitRevisionGraph.RemoteUrl(e, remotes.Value), e.Repository.DefaultBranch, cancellationToken);
        var (objects, missing) = head is null
            ? (null, $"the default branch {e.Repository.DefaultBranch} does not exist")
            : await ReadManifestAsync(e, head, cancellationToken);
        if (e.Ref.IsTag && objects is not null)
        {
            objects = objects.Where(RunsOnTagDeletion).ToList();
            if (objects.Count == 0)
            {
                return ProcessingResult.Final(DeliveryState.Ignored,
                    $"tag deletion: no object of the manifest asks for it with {TagDeletionAnnotation}: \"true\"", head);
            }
        }

        var stamped = objects is null ? [] : ManifestStamper.Stamp(objects, deletion, head!);
        var policy = Policy(stamped);
        var applied = stamped.Count == 0 ? [] : await sink.ApplyAsync(stamped, deletion, kubernetes.Value.Namespace, cancellationToken);
        var (stopped, notStopped) = e.Ref.IsBranch ? await StopOlderAsync(deletion, applied, previous, policy, cancellationToken) : ([], null);
        var notRemoved = BranchNamespace(e) is { } branchNamespace ? await RemoveNamespaceAsync(branchNamespace, deletion, cancellationToken) : null;
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
            return (await sink.SupersedeAsync(e, applied, previous?.Objects ?? [], policy, cancellationToken), null);
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
            await sink.DeleteOwnedNamespaceAsync(name, deletion, cancellationToken);
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

    private async Task<(IReadOnlyList<JsonObject>? Objects, string? Missing)> ReadManifestAsync(WebhookEvent e, string revision, CancellationToken cancellationToken)
    {
        var settings = manifests.Value;
        var text = await git.ReadFileAsync(e.Repository.Key, GitRevisionGraph.RemoteUrl(e, remotes.Value), revision, settings.ManifestPath, cancellationToken);
        if (text is null)
        {
            return (null, $"{settings.ManifestPath} does not exist at {revision}");
        }

        var objects = new ManifestReader(settings).Read(text);
        return objects.Count == 0 ? (null, $"{settings.ManifestPath} has no objects at {revision}") : (objects, null);
    }

    private string? BranchNamespace(WebhookEvent e) =>
        kubernetes.Value.BranchNamespaces.Enabled && e.Ref.IsBranch
            ? BranchNamespaces.NameFor(kubernetes.Value.BranchNamespaces.Template!, e.Ref.ShortName)
            : null;

    /// <summary>The global policy, unless the manifest narrows it with <c>k8s-webhook-handler.io/supersede</c>.</summary>
    private SupersedePolicy Policy(IReadOnlyList<JsonObject> stamped)
    {
        var settings = supersede.Value;
        var chosen = stamped
            .Select(o => o["metadata"]?["annotations"] is JsonObject annotations
                ? ManifestFields.OptionalString(annotations, SupersedeAnnotation, "metadata.annotations." + SupersedeAnnotation, ManifestFields.StringOrNull(o["kind"]) ?? "object")
                : null)
            .FirstOrDefault(v => v is not null);
        return SupersedePolicy.Requested(chosen, new SupersedePolicy(settings.Mode, settings.OtherKinds), SupersedeAnnotation);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} object(s) for {Repository} {Ref} at {Revision} (delivery {DeliveryId}), superseded {Stopped}")]
    private static partial void LogApplied(ILogger logger, string repository, string @ref, string revision, string deliveryId, int count, int stopped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected the manifest of {Repository} {Ref} (delivery {DeliveryId}): {Reason}")]
    private static partial void LogRejected(ILogger logger, string repository, string @ref, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applied {Repository} {Ref} (delivery {DeliveryId}), but {Reason}")]
    private static partial void LogRefusedAfterApply(ILogger logger, string repository, string @ref, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Will retry {Repository} {Ref} (delivery {DeliveryId}): {Reason}")]
    private static partial void LogTransient(ILogger logger, string repository, string @ref, string deliveryId, string reason);
}
