using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Reporting;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// A dry run: the plan, exactly as it would be sent, is written to <c>DataDirectory/dry-run/owner/name/DELIVERY.json</c>
/// and logged, and nothing reaches a cluster. The plan was made offline by the same pipeline and planner as for the
/// cluster, so a manifest is refused for the same reasons; only the checks that need the cluster (who owns an
/// existing object or namespace) cannot be made.
/// </summary>
public sealed partial class DryRunFolder(IOptions<DataDirectoryOptions> dataDirectory, ILogger<DryRunFolder> logger) : IClusterWriter, IWorkflowStopper, IWorkflowWatch
{
    public async Task<IReadOnlyList<AppliedObject>> ApplyAsync(ObjectPlan plan, WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(dataDirectory.Value.DataDirectory, "dry-run", webhookEvent.Repository.Key.Value);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, webhookEvent.Delivery.Value + ".json");
        await File.WriteAllTextAsync(file, plan.ToJson(), cancellationToken);
        LogDryRun(logger, webhookEvent.Repository.FullName, webhookEvent.Ref.Value, webhookEvent.Delivery.Value, plan.Count, file);
        return plan.Applied();
    }

    /// <summary>Nothing runs in a dry run, so nothing is stopped; what would be is logged.</summary>
    public Task<IReadOnlyList<AppliedObject>> StopOlderAsync(WebhookEvent webhookEvent, IReadOnlyList<AppliedObject> keep,
        IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken)
    {
        var older = previous.Where(p => !keep.Contains(p)).ToArray();
        LogWouldSupersede(logger, webhookEvent.Repository.FullName, webhookEvent.Ref.Value, older.Length, policy.Workflows);
        return Task.FromResult<IReadOnlyList<AppliedObject>>([]);
    }

    /// <summary>A dry run starts no Workflow, so there is nothing to watch: waits until cancelled and observes nothing.</summary>
    public async Task WatchAsync(IWorkflowObserver observer, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled: the only way a watch ends.
        }
    }

    public Task EnsureNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<bool> DeleteOwnedNamespaceAsync(string name, WebhookEvent webhookEvent, CancellationToken cancellationToken) => Task.FromResult(false);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dry run for {Repository} {Ref}: {Count} older object(s) would be superseded ({Mode})")]
    private static partial void LogWouldSupersede(ILogger logger, string repository, string @ref, int count, SupersedeMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dry run for {Repository} {Ref} delivery {DeliveryId}: {Count} object(s) written to {File}")]
    private static partial void LogDryRun(ILogger logger, string repository, string @ref, string deliveryId, int count, string file);
}
