using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// A dry run: the planned objects, exactly as they would be sent, are written to
/// <c>DataDirectory/dry-run/owner/name/DELIVERY.json</c> and logged, and nothing reaches a cluster. It plans with
/// the same <see cref="ApplyPlanner"/> as the cluster, so a manifest is refused for the same reasons offline; only
/// the checks that need the cluster (who owns an existing object or namespace) cannot be made.
/// </summary>
public sealed partial class DryRunSink(IOptions<KubernetesOptions> options, IOptions<DataDirectoryOptions> dataDirectory, ILogger<DryRunSink> logger) : IObjectSink
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> objects, WebhookEvent webhookEvent, string targetNamespace, CancellationToken cancellationToken)
    {
        var plan = await new ApplyPlanner(new OfflineKindResolver(), options.Value).PlanAsync(objects, targetNamespace, cancellationToken);
        var folder = Path.Combine(dataDirectory.Value.DataDirectory, "dry-run", webhookEvent.Repository.Key.Value);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, webhookEvent.Delivery.Value + ".json");
        var array = new JsonArray(plan.Select(p => (JsonNode)p.Body.DeepClone()).ToArray());
        await File.WriteAllTextAsync(file, array.ToJsonString(Indented), cancellationToken);
        LogDryRun(logger, webhookEvent.Repository.FullName, webhookEvent.Ref.Value, webhookEvent.Delivery.Value, plan.Count, file);
        return plan.Select(p => new AppliedObject(p.ApiVersion, p.Resource.Kind, p.Namespace, p.Name)).ToArray();
    }

    /// <summary>Nothing runs in a dry run, so nothing is stopped; what would be is logged.</summary>
    public Task<IReadOnlyList<AppliedObject>> SupersedeAsync(WebhookEvent webhookEvent, IReadOnlyList<AppliedObject> keep,
        IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken)
    {
        var older = previous.Where(p => !keep.Contains(p)).ToArray();
        LogWouldSupersede(logger, webhookEvent.Repository.FullName, webhookEvent.Ref.Value, older.Length, policy.Workflows);
        return Task.FromResult<IReadOnlyList<AppliedObject>>([]);
    }

    public Task EnsureNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<bool> DeleteOwnedNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken) => Task.FromResult(false);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dry run for {Repository} {Ref}: {Count} older object(s) would be superseded ({Mode})")]
    private static partial void LogWouldSupersede(ILogger logger, string repository, string @ref, int count, SupersedeMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dry run for {Repository} {Ref} delivery {DeliveryId}: {Count} object(s) written to {File}")]
    private static partial void LogDryRun(ILogger logger, string repository, string @ref, string deliveryId, int count, string file);
}
