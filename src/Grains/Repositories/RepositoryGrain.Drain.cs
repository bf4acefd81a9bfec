using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Identity;
using K8sWebhookHandler.Grains.Inspection;
using K8sWebhookHandler.Grains.Processing;
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
        var unsaved = new List<DeliveryRecord>();
        try
        {
            await EnsureStateCertainAsync();
            while (State.Inbox.Count > 0 && !cancellationToken.IsCancellationRequested)
            {
                // Invariant across the awaits below: requests only append to the inbox, so index 0 stays this delivery.
                var head = State.Inbox[0];
                var wait = head.NotBefore - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    ScheduleDrain(wait, fromLoop: true);
                    return;
                }

                var result = await DecideAsync(head.Event, cancellationToken) ?? await ProcessAsync(head.Event, cancellationToken);
                var attempts = head.Attempts + 1;
                if (result.Transient && attempts < options.Value.MaxAttempts)
                {
                    State.Inbox[0] = head with { Attempts = attempts, NotBefore = time.GetUtcNow() + Backoff(attempts), LastError = result.Reason };
                    UpdateRecord(head.Event.Delivery, r => r with { Attempts = attempts, Reason = result.Reason });
                    await SaveAsync();
                    unsaved.ForEach(Notify);
                    unsaved.Clear();
                    continue;
                }

                State.Inbox.RemoveAt(0);
                unsaved.Add(Complete(head.Event, result.Transient ? result with { State = DeliveryState.Failed } : result, attempts));

                // Outcomes are written in small batches while more deliveries are ready: a crash before the write only
                // means the same deliveries are processed again, which idempotent apply makes harmless.
                if (State.Inbox.Count == 0 || unsaved.Count >= MaxUnsavedOutcomes || State.Inbox[0].NotBefore > time.GetUtcNow())
                {
                    await SaveAsync();
                    unsaved.ForEach(Notify);
                    unsaved.Clear();
                }
            }
        }
        finally
        {
            if (unsaved.Count > 0)
            {
                await SaveAsync();
                unsaved.ForEach(Notify);
            }

            _draining = false;
        }
    }

    /// <summary>
    /// Whether the head delivery should run at all, decided from the grain's state and git before anything is
    /// applied; null when it must be processed.
    /// </summary>
    private async Task<ProcessingResult?> DecideAsync(WebhookEvent e, CancellationToken cancellationToken)
    {
        // GitHub sends a branch deletion twice (a delete event and a push with deleted: true): act on the first only.
        if (e.IsDeletion && State.Refs.TryGetValue(e.Ref, out var known) && known.LastRevision == WebhookEvent.ZeroRevision)
        {
            return ProcessingResult.Final(DeliveryState.Superseded, $"the deletion of {e.Ref} was handled by delivery {known.LastDelivery}");
        }

        // Copied before the awaits: requests may append to the inbox meanwhile.
        var waiting = State.Inbox.Skip(1).Select(p => p.Event).ToList();
        try
        {
            return await decider.DecideAsync(e, State.Refs.GetValueOrDefault(e.Ref), waiting, cancellationToken);
        }
        catch (Kubernetes.TransientException t)
        {
            return ProcessingResult.Retry(t.Message);
        }
    }

    private async Task<ProcessingResult> ProcessAsync(WebhookEvent e, CancellationToken cancellationToken)
    {
        try
        {
            return await processor.ProcessAsync(e, State.Refs.GetValueOrDefault(e.Ref), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug or an unforeseen failure must not stop the loop: retried like a transient failure, then failed.
            LogProcessingError(logger, ex, Repository, e.Delivery.Value);
            return ProcessingResult.Retry($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private DeliveryRecord Complete(WebhookEvent e, ProcessingResult result, int attempts)
    {
        var now = time.GetUtcNow();
        // The ref's tip moves with pushes and deletions only: a re-requested check on an old commit must not rewind it.
        var movesTip = e.EventType is "push" or "delete";
        if (movesTip && (result.State == DeliveryState.Applied || (e.IsDeletion && result.State is DeliveryState.NoManifest)))
        {
            var revision = e.IsDeletion ? WebhookEvent.ZeroRevision : e.Revision;
            State.Refs[e.Ref] = new RefRecord(e.Ref, revision, e.Delivery, result.Objects, now);
        }

        LogCompleted(logger, Repository, e.Ref, e.Delivery.Value, result.State, result.Reason);
        return UpdateRecord(e.Delivery, r => r with
        {
            State = result.State,
            Reason = result.Reason,
            Attempts = attempts,
            Objects = result.Objects,
            Stopped = result.Stopped,
            CompletedAt = now,
        })!;
    }

    private TimeSpan Backoff(int attempts)
    {
        var settings = options.Value;
        var delay = settings.RetryDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay < settings.MaxRetryDelay ? delay : settings.MaxRetryDelay;
    }
}
