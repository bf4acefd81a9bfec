using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// One shard of the index of known repositories (see <see cref="RepositoryIndex"/>). Announcements change memory at
/// once and are written together: a repository new to the shard at once, any other change within
/// <see cref="WriteDelay"/>, and whatever is unwritten when the shard deactivates. So a busy repository costs one write
/// per shard per <see cref="WriteDelay"/>, not one per delivery. A crash loses at most the changes of the last
/// <see cref="WriteDelay"/>: counts that stay stale until the repository announces again (its next delivery, outcome
/// or activation).
/// </summary>
public sealed partial class RepositoryIndexGrain(
    [PersistentState(RepositoryIndexGrain.StateName, StorageNames.Repositories)] IPersistentState<RepositoryIndexState> index,
    ILogger<RepositoryIndexGrain> logger) : Grain, IRepositoryIndexGrain
{
    /// <summary>The name a shard's <see cref="RepositoryIndexState"/> is stored under.</summary>
    public const string StateName = "repository-index";

    /// <summary>How long a changed count waits to be written with the changes that follow it.</summary>
    public static readonly TimeSpan WriteDelay = TimeSpan.FromSeconds(2);

    private IGrainTimer? _writeTimer;
    private bool _writeDue;
    private bool _unwritten;

    public Task Announce(RepositorySummary summary)
    {
        if (index.State.Put(summary, out var added))
        {
            _unwritten = true;
            ScheduleWrite(added ? TimeSpan.Zero : WriteDelay);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RepositorySummary>> List(RepositoryKey? after, DeliveryState? state, int limit) =>
        Task.FromResult(index.State.List(after, state, limit));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!_unwritten)
        {
            return;
        }

        try
        {
            await index.WriteStateAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Lost with this activation: stale counts that the repositories' next announcements repair.
            LogWriteFailed(logger, ex, (int)this.GetPrimaryKeyLong());
        }
    }

    /// <summary>Arms the write, or brings an armed one forward; one armed as soon or sooner stays as it is.</summary>
    private void ScheduleWrite(TimeSpan delay)
    {
        if (_writeDue && delay > TimeSpan.Zero)
        {
            return;
        }

        // The timer replaced has fired or not yet begun: disposing it cancels no write under way.
        _writeTimer?.Dispose();
        _writeTimer = this.RegisterGrainTimer(WriteAsync, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan));
        _writeDue = true;
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        _writeDue = false;
        if (!_unwritten)
        {
            return;
        }

        _unwritten = false;
        try
        {
            await index.WriteStateAsync(cancellationToken);
        }
        catch (InconsistentStateException ex)
        {
            // Another activation wrote the shard: a new one reads it, and the repositories announce again as they change.
            LogWriteFailed(logger, ex, (int)this.GetPrimaryKeyLong());
            DeactivateOnIdle();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Memory still holds every summary: the next write stores them, and nothing waits for this one.
            LogWriteFailed(logger, ex, (int)this.GetPrimaryKeyLong());
            _unwritten = true;
            ScheduleWrite(WriteDelay);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repository index shard {Shard} could not be written; trying again")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int shard);
}
