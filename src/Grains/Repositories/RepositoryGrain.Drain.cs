using K8sWebhookHandler.Abstractions.Diagnostics;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>The drain loop: one delivery at a time, decided, processed, retried or completed.</summary>
public sealed partial class RepositoryGrain
{
    /// <summary>
    /// Arms the one-shot drain timer. While the loop runs it picks up new deliveries by itself, and disposing
    /// the running timer would cancel its callback mid-delivery, so requests leave it alone then.
    /// </summary>
    private void ScheduleDrain(TimeSpan delay, bool fromLoop = false)
    {
        if (_draining && !fromLoop)
        {
            return;
        }

        _drainTimer?.Dispose();
        _drainTimer = this.RegisterGrainTimer(DrainAsync, new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
            KeepAlive = true,
        });
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (_draining)
        {
            return;
        }

        _draining = true;

        // The loop belongs to no request's trace: each delivery's attempt joins its own (see StartProcessing).
        System.Diagnostics.Activity.Current = null;
        var unsaved = new List<DeliveryRecord>();
        try
        {
            await Journal.EnsureCertainAsync();
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!await RunNextAsync(unsaved, cancellationToken))
                {
                    break;
                }
            }
        }
        finally
        {
            await StopDrainingAsync(unsaved);
        }

        // A request that arrived while the loop was finishing could not arm the timer: look once more.
        if (!cancellationToken.IsCancellationRequested && Inbox.NextReady().Next is not null)
        {
            ScheduleDrain(TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Writes the outcomes not yet written and marks the loop stopped, also when the write fails (storage down), so
    /// that the next wake starts it again.
    /// </summary>
    private async Task StopDrainingAsync(List<DeliveryRecord> unsaved)
    {
        try
        {
            if (unsaved.Count > 0)
            {
                await SaveAndNotifyAsync(unsaved);
            }
        }
        finally
        {
            _draining = false;
        }
    }

    /// <summary>
    /// Decides, processes and records the next ready delivery. False when none is ready: the timer is then armed for
    /// the soonest one waiting for a retry.
    /// </summary>
    private async Task<bool> RunNextAsync(List<DeliveryRecord> unsaved, CancellationToken cancellationToken)
    {
        // Only what is durable runs: a delivery whose acceptance is still being written waits for the write.
        await Journal.SaveAsync();
        var epoch = Journal.Epoch;
        var (next, wait) = Inbox.NextReady();
        if (next is null)
        {
            if (wait is { } delay)
            {
                ScheduleDrain(delay, fromLoop: true);
            }

            return false;
        }

        using (var activity = StartProcessing(next))
        using (logger.BeginDeliveryScope(next.Event.Delivery.Value, Repository))
        {
            var result = await DecideAsync(next, cancellationToken) ?? await ProcessAsync(next.Event, cancellationToken);
            Finished(activity, result);
            await RecordAsync(next, result, epoch, unsaved);
        }

        return true;
    }

    /// <summary>Records an attempt's result, and writes outcomes in small batches.</summary>
    private async Task RecordAsync(PendingDelivery next, ProcessingResult result, int epoch, List<DeliveryRecord> unsaved)
    {
        if (Journal.Epoch != epoch)
        {
            // A failed write had storage read again meanwhile: what it holds decides what runs next, this one included.
            unsaved.Clear();
            return;
        }

        // Requests only append to the inbox or move a waiting delivery's time: only this loop removes entries,
        // so the delivery is still there after the awaits, though perhaps at another index.
        if (Inbox.Finish(next, result) is not { } outcome)
        {
            metrics.RetryQueued(next.Event.Kind, RetryTrigger.Transient);
            await SaveAndNotifyAsync(unsaved);
            return;
        }

        LogCompleted(logger, Repository, outcome.Ref.Value, outcome.Delivery.Value, outcome.State, outcome.Reason);
        Finished(next, outcome);
        _traces.Forget(outcome.Delivery);
        QueueReports(next.Event, result, outcome);
        unsaved.Add(outcome);

        // Outcomes are written in small batches while more deliveries are ready: a crash before the write only
        // means the same deliveries are processed again, which idempotent apply makes harmless.
        if (unsaved.Count >= MaxUnsavedOutcomes || Inbox.NextReady().Next is null)
        {
            await SaveAndNotifyAsync(unsaved);
        }
    }

    /// <summary>
    /// Whether the delivery should run at all, decided from the inbox and git before anything is applied; null when
    /// it must be processed.
    /// </summary>
    private async Task<ProcessingResult?> DecideAsync(PendingDelivery pending, CancellationToken cancellationToken)
    {
        if (Inbox.SettledDeletion(pending) is { } settled)
        {
            return settled;
        }

        var e = pending.Event;

        // Copied before the awaits: requests may append to the inbox meanwhile.
        var waiting = Inbox.WaitingBehind(pending);
        try
        {
            return await decider.DecideAsync(e, Inbox.LastApplied(e.Ref), waiting, cancellationToken) is { } decision
                ? ProcessingResult.Final(decision.State, decision.Reason)
                : null;
        }
        catch (DeliveryRefusedException refused)
        {
            return ProcessingResult.Final(DeliveryState.Rejected, refused.Message);
        }
        catch (TransientException t)
        {
            return ProcessingResult.Retry(t.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogProcessingError(logger, ex, Repository, e.Delivery.Value);
            return ProcessingResult.Retry($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task<ProcessingResult> ProcessAsync(WebhookEvent e, CancellationToken cancellationToken)
    {
        try
        {
            return await processor.ProcessAsync(e, Inbox.LastApplied(e.Ref), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug or an unforeseen failure must not stop the loop: retried like a transient failure, then failed.
            LogProcessingError(logger, ex, Repository, e.Delivery.Value);
            return ProcessingResult.Retry($"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
