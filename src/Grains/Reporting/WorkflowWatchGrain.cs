using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Failures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Reporting;

/// <summary>
/// Runs <see cref="IWorkflowWatch"/> for as long as its activation lives, restarting it with backoff after a failure,
/// and passes every observation to the repository grain named by it, waiting for each to be written down. Nothing
/// here is stored: a new activation lists again, and the repository grains send only what changed. Without a watch
/// (no cluster to watch, or nothing reported) it does nothing and lets its reminder go.
/// </summary>
public sealed partial class WorkflowWatchGrain(IGrainFactory grains, ILogger<WorkflowWatchGrain> logger)
    : Grain, IWorkflowWatchGrain, IRemindable, IWorkflowObserver
{
    private const string KeepWatching = "workflow-watch";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    private IWorkflowWatch? Watch => ServiceProvider.GetService<IWorkflowWatch>();

    public async Task Start()
    {
        if (Watch is null)
        {
            if (await this.GetReminder(KeepWatching) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        await this.RegisterOrUpdateReminder(KeepWatching, ReminderPeriod, ReminderPeriod);
        _loop ??= Task.Run(() => RunAsync(Watch, _stop.Token));
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Start();

    /// <summary>Passes the observation on; with nothing to report to (no token or App), nobody needs it.</summary>
    public Task ObserveAsync(WorkflowObservation observation, CancellationToken cancellationToken) =>
        ServiceProvider.GetService<ICommitReporter>() is null
            ? Task.CompletedTask
            : grains.GetGrain<IRepositoryGrain>(observation.Repository.Value).ObserveWorkflow(observation).WaitAsync(cancellationToken);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunAsync(IWorkflowWatch watch, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                LogWatching(logger);
                await watch.WatchAsync(this, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A repository grain that cannot write, an API server away: the watch lists again once it can.
                failures++;
                var delay = Backoff.Delay(FirstRetry, LongestRetry, failures);
                LogWatchFailed(logger, ex is TransientException ? null : ex, ex.Message, delay);
                await Task.Delay(delay, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching the handler's Workflows for their phases")]
    private static partial void LogWatching(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Workflow watch stopped ({Reason}); listing again in {Delay}")]
    private static partial void LogWatchFailed(ILogger logger, Exception? exception, string reason, TimeSpan delay);
}
