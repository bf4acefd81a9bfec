using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;

namespace K8sWebhookHandler.Api.Hosting;

/// <summary>
/// After a restart, wakes every repository whose stored inbox still holds deliveries, so that acknowledged
/// events are processed without a new webhook: the local mode's equivalent of a reminder.
/// </summary>
public sealed partial class PendingDeliveryRecovery(FileGrainStorage storage, IGrainFactory grains, ILogger<PendingDeliveryRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (grainId, state) in storage.ReadAllAsync<RepositoryState>("repository").WithCancellation(stoppingToken))
        {
            if (state.Inbox.Count == 0)
            {
                continue;
            }

            var key = GrainId.Parse(grainId).Key.ToString()!;
            LogWaking(logger, key, state.Inbox.Count);
            await grains.GetGrain<IRepositoryGrain>(key).Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waking {Repository}: {Count} delivery(ies) were pending at shutdown")]
    private static partial void LogWaking(ILogger logger, string repository, int count);
}
