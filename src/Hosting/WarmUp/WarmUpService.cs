using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Hosting.WarmUp;

/// <summary>
/// Runs the registered <see cref="IWarmUpStep"/>s once the host has started (the silo or the cluster client is up),
/// in the order they were added, and reports each in <see cref="WarmUpProgress"/>, which readiness shows. A step that
/// throws or takes longer than <see cref="AttemptTimeout"/> is logged, reported and tried again after a delay that
/// doubles from <see cref="FirstRetryDelay"/> to <see cref="MaxRetryDelay"/>; the steps after it wait. Nothing a step
/// does stops the process: it stays live (<c>/healthz</c>) and not ready until every step has passed.
/// </summary>
public sealed partial class WarmUpService(
    IEnumerable<IWarmUpStep> steps, WarmUpProgress progress, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<WarmUpService> logger)
    : BackgroundService
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMinutes(2);

    private readonly IReadOnlyList<IWarmUpStep> _steps = steps.ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grain calls need the silo (or the cluster client) started, and hosted services start one after another.
        await HostStartedAsync(stoppingToken);
        var clock = Stopwatch.StartNew();
        for (var index = 0; index < _steps.Count; index++)
        {
            await PassAsync(index, stoppingToken);
        }

        progress.Complete(_steps);
        LogWarmedUp(logger, clock.Elapsed.TotalMilliseconds, string.Join(", ", _steps.Select(s => s.Name)));
    }

    /// <summary>Runs one step until it passes, or until the host stops.</summary>
    private async Task PassAsync(int index, CancellationToken stoppingToken)
    {
        var step = _steps[index];
        string? lastFailure = null;
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            progress.Running(index, _steps.Count, step, attempt, lastFailure);
            lastFailure = await TryAsync(step, stoppingToken);
            if (lastFailure is null)
            {
                return;
            }

            progress.Failed(step, attempt, lastFailure, delay);
            await Task.Delay(delay, time, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    /// <summary>Null when the step passed; otherwise why not, logged with its exception.</summary>
    private async Task<string?> TryAsync(IWarmUpStep step, CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (!await FinishesInTimeAsync(step.RunAsync(stoppingToken), stoppingToken))
            {
                var late = $"it did not finish within {AttemptTimeout.TotalSeconds:0} s";
                LogStepFailed(logger, step.Name, late, null);
                return late;
            }

            LogStepPassed(logger, step.Name, clock.Elapsed.TotalMilliseconds);
            return null;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // A grain call's failure arrives wrapped with the grain id and a stack trace: the innermost cause says it.
            var failure = e.GetBaseException().Message;
            LogStepFailed(logger, step.Name, failure, e);
            return failure;
        }
    }

    /// <summary>
    /// Whether <paramref name="run"/> finished within <see cref="AttemptTimeout"/>; throws what it threw. A step that is
    /// late is left to finish on its own (a grain call cannot be cancelled), and its outcome is not waited for.
    /// </summary>
    private async Task<bool> FinishesInTimeAsync(Task run, CancellationToken stoppingToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var finished = await Task.WhenAny(run, Task.Delay(AttemptTimeout, time, timer.Token));
        await timer.CancelAsync();
        if (finished != run)
        {
            stoppingToken.ThrowIfCancellationRequested();
            return false;
        }

        await run;
        return true;
    }

    private async Task HostStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up in {ElapsedMs:0} ms: {Steps}")]
    private static partial void LogWarmedUp(ILogger logger, double elapsedMs, string steps);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Warm-up step {Step} passed in {ElapsedMs:0} ms")]
    private static partial void LogStepPassed(ILogger logger, string step, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up step {Step} failed, not ready until it passes: {Failure}")]
    private static partial void LogStepFailed(ILogger logger, string step, string failure, Exception? exception);
}
