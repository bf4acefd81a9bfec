using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Failures;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Hosting;

/// <summary>
/// Starts the cluster's singleton grains once this silo runs: the one Workflow watch (<see cref="IWorkflowWatchGrain"/>)
/// and the one delivery reconciler (<see cref="IDeliveryRecoveryGrain"/>). Every silo asks, and the one activation of
/// each answers. Registered after the silo, so that it starts after it; a failed call is repeated with backoff until it
/// succeeds or the host stops.
/// </summary>
public sealed partial class SingletonStarter(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<SingletonStarter> logger) : BackgroundService
{
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        StartAsync("the Workflow watch", () => grains.GetGrain<IWorkflowWatchGrain>(0).Start(), stoppingToken),
        StartRecoveryAsync(stoppingToken));

    /// <summary>
    /// Once the host has started (in the local mode, once the webhook listens: the redeliveries a run asks for are sent
    /// to it at once), the reconciler's first run.
    /// </summary>
    private async Task StartRecoveryAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        await StartAsync("delivery recovery", () => grains.GetGrain<IDeliveryRecoveryGrain>(0).Start(), stoppingToken);
    }

    private async Task StartAsync(string what, Func<Task> start, CancellationToken stoppingToken)
    {
        for (var attempt = 0; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await start().WaitAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var delay = Backoff.Delay(TimeSpan.FromSeconds(1), LongestRetry, attempt + 1);
                LogNotStarted(logger, what, ex.Message, delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} did not start ({Reason}); asking again in {Delay}")]
    private static partial void LogNotStarted(ILogger logger, string what, string reason, TimeSpan delay);
}
