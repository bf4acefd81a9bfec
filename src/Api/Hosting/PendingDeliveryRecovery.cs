using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;

namespace K8sWebhookHandler.Api.Hosting;

/// <summary>
/// After a restart, wakes every repository whose journal (or, not migrated yet, whose state file of an earlier
/// version) says deliveries are pending, so that acknowledged events are processed without a new webhook: the local
/// mode's equivalent of a reminder.
/// </summary>
public sealed partial class PendingDeliveryRecovery(
    SqliteJournalStore journal, FileGrainStorage earlier, IGrainFactory grains, ILogger<PendingDeliveryRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var woken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stream in await journal.PendingStreamsAsync(stoppingToken))
        {
            var key = GrainId.Parse(stream).Key.ToString()!;
            LogWaking(logger, key);
            woken.Add(key);
            await grains.GetGrain<IRepositoryGrain>(key).Wake();
        }

        await foreach (var pending in earlier.PendingRepositoriesAsync(stoppingToken))
        {
            if (woken.Add(pending.GrainKey))
            {
                LogWaking(logger, pending.GrainKey);
                await grains.GetGrain<IRepositoryGrain>(pending.GrainKey).Wake();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waking {Repository}: deliveries were pending at shutdown")]
    private static partial void LogWaking(ILogger logger, string repository);
}
