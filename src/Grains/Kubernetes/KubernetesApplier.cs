using System.Net;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// Sends planned objects to the API server idempotently, and only over objects the repository owns. First every
/// object is read: one that exists must carry the handler's marks for the same repository (see
/// <see cref="ObjectOwnership"/>), or the whole manifest is refused before anything is written. Then objects the
/// manifest names are server-side applied under the handler's field manager, with the resourceVersion that was
/// read as a precondition; objects the handler named from a <c>generateName</c> are created once, and one that
/// already exists counts as done only if this delivery made it.
/// </summary>
/// <remarks>
/// The apply is forced (<c>force=true</c>): fields someone took with <c>kubectl edit</c> on the repository's own
/// object go back to what the manifest says. That is safe because the ownership check runs first and the
/// resourceVersion precondition makes the server refuse (409) when the object changed after it was checked.
/// </remarks>
public sealed partial class KubernetesApplier(
    KubernetesRestClient client, IKindResolver kinds, IOptions<KubernetesOptions> options, ILogger<KubernetesApplier> logger, TimeProvider? time = null)
    : IClusterWriter
{
    private readonly FreshNamespaceGrants _grants = new(client, time ?? TimeProvider.System);

    /// <summary>One object's write, decided before any is sent; a null <see cref="Body"/> means it is there already.</summary>
    private sealed record Write(PlannedObject Item, JsonObject? Body);

    public async Task<IReadOnlyList<AppliedObject>> ApplyAsync(ObjectPlan plan, WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var writes = new List<Write>(plan.Count);
        foreach (var item in plan)
        {
            writes.Add(await AnsweredAsync(item, () => PrepareAsync(item, webhookEvent, cancellationToken), cancellationToken));
        }

        foreach (var write in writes.Where(w => w.Body is not null))
        {
            await AnsweredAsync(write.Item, () => SendAsync(write.Item, write.Body!, webhookEvent, cancellationToken), cancellationToken);
        }

        return plan.Applied();
    }

    /// <summary>
    /// Creates or checks the branch namespace, then gives one the handler made the objects of
    /// <c>Handler:BranchNamespaces:Objects</c> (again on every delivery; see <see cref="BranchNamespaceProvisioner"/>).
    /// </summary>
    public async Task EnsureNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var claim = await ApiAnswers.OutcomeAsync("", () => new BranchNamespaces(client).EnsureAsync(name, webhookEvent, cancellationToken));
        if (claim is NamespaceClaim.ThisBranch or NamespaceClaim.ThisBranchByLabels)
        {
            var objects = options.Value.BranchNamespaces.Objects;
            await new BranchNamespaceProvisioner(client, kinds, _grants, options.Value.FieldManager, objects).ApplyAsync(name, webhookEvent, cancellationToken);
        }
    }

    public Task<bool> DeleteOwnedNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
        ApiAnswers.OutcomeAsync("", () => new BranchNamespaces(client).DeleteIfOwnedAsync(name, webhookEvent, cancellationToken));

    /// <summary>Reads the object and decides its write; refuses one the repository does not own.</summary>
    private async Task<Write> PrepareAsync(PlannedObject item, WebhookEvent e, CancellationToken cancellationToken)
    {
        if (await FindAsync(item, cancellationToken) is not { } existing)
        {
            // Absent: created by the write. An apply has no "must not exist" precondition, so an object someone makes
            // in the moment between this read and the apply is merged into; a create (generateName) gets AlreadyExists.
            return new Write(item, item.Body);
        }

        if (!item.IsNamedByManifest)
        {
            Refuse(ObjectOwnership.RefusalToAdopt(existing, item.Description, e));
            return new Write(item, null);
        }

        Refuse(ObjectOwnership.RefusalToChange(existing, item.Description, e));
        var body = (JsonObject)item.Body.DeepClone();
        if (ManifestFields.StringOrNull(existing["metadata"]?["resourceVersion"]) is { } resourceVersion)
        {
            // In an applied configuration a resourceVersion is a precondition: the server answers 409 Conflict when
            // the object changed after it was read here, so no one can swap in an object the check did not see.
            body["metadata"]!["resourceVersion"] = resourceVersion;
        }

        return new Write(item, body);
    }

    private async Task SendAsync(PlannedObject item, JsonObject body, WebhookEvent e, CancellationToken cancellationToken)
    {
        if (item.IsNamedByManifest)
        {
            await client.ApplyAsync(item.Resource, item.Namespace, item.Name, body, options.Value.FieldManager, cancellationToken);
            return;
        }

        var manager = Uri.EscapeDataString(options.Value.FieldManager);

        try
        {
            await client.SendAsync(HttpMethod.Post, item.Resource.CollectionPath(item.Namespace) + $"?fieldManager={manager}", body, "application/json", cancellationToken);
        }
        catch (KubernetesApiException exists) when (exists.Status == HttpStatusCode.Conflict && exists.Reason == "AlreadyExists")
        {
            // Made since it was read: by an earlier attempt of this delivery whose answer was lost, or by someone else.
            var existing = await FindAsync(item, cancellationToken)
                ?? throw new TransientException($"{item.Description} was created and removed while it was being created");
            Refuse(ObjectOwnership.RefusalToAdopt(existing, item.Description, e));
        }
    }

    private async Task<JsonObject?> FindAsync(PlannedObject item, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(item.Resource.ObjectPath(item.Namespace, item.Name), cancellationToken) as JsonObject;
        }
        catch (KubernetesApiException missing) when (missing.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static void Refuse(string? refusal)
    {
        if (refusal is not null)
        {
            throw new DeliveryRefusedException(refusal);
        }
    }

    /// <summary>
    /// The outcome of one object's requests; a 403 also logs the permission the handler's role lacks, unless it is one in a
    /// namespace the handler has only just made (<see cref="FreshNamespaceGrants"/>), which is tried again.
    /// </summary>
    private Task<T> AnsweredAsync<T>(PlannedObject item, Func<Task<T>> call, CancellationToken cancellationToken) =>
        ApiAnswers.OutcomeAsync(item.Description + ": ", () => _grants.RunAsync(item.Description + ": ", item.Namespace, call, cancellationToken), Forbidden(item));

    /// <inheritdoc cref="AnsweredAsync{T}"/>
    private Task AnsweredAsync(PlannedObject item, Func<Task> call, CancellationToken cancellationToken) =>
        ApiAnswers.OutcomeAsync(item.Description + ": ", () => _grants.RunAsync(item.Description + ": ", item.Namespace, call, cancellationToken), Forbidden(item));

    private Action<KubernetesApiException> Forbidden(PlannedObject item) =>
        e => LogForbidden(logger, item.Resource.QualifiedPlural, item.Namespace ?? "(cluster)", e.ApiMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "Forbidden: grant the handler's role get, create and patch on {Resource} in {Namespace}: {ApiMessage}")]
    private static partial void LogForbidden(ILogger logger, string resource, string @namespace, string apiMessage);
}
