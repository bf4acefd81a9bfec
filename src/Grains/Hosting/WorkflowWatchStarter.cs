using K8sWebhookHandler.Abstractions.Reporting;
using K8sWebhookHandler.Grains.Failures;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Hosting;

/// <summary>
/// Starts the cluster's one Workflow watch (<see cref="IWorkflowWatchGrain"/>) once this silo runs; every silo asks,
/// and the one activation answers. Registered after the silo, so that it starts after it; a failed call is repeated
/// with backoff until it succeeds or the host stops.
/// </summary>
public sealed partial class WorkflowWatchStarter(IGrainFactory grains, ILogger<WorkflowWatchStarter> logger) : BackgroundService
{
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 0; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await grains.GetGrain<IWorkflowWatchGrain>(0).Start().WaitAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var delay = Backoff.Delay(TimeSpan.FromSeconds(1), LongestRetry, attempt + 1);
                LogNotStarted(logger, ex.Message, delay);
                await Task.Delay(delay, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Workflow watch did not start ({Reason}); asking again in {Delay}")]
    private static partial void LogNotStarted(ILogger logger, string reason, TimeSpan delay);
}
