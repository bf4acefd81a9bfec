using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
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
            while (!cancellationToken.IsCancellationRequested)
            {
                var (next, wait) = NextReady(time.GetUtcNow());
                if (next is null)
                {
                    if (wait is { } delay)
                    {
                        ScheduleDrain(delay, fromLoop: true);
                    }

                    break;
                }

                var result = await DecideAsync(next, cancellationToken) ?? await ProcessAsync(next.Event, cancellationToken);

                // Requests only append to the inbox or move a waiting delivery's time: only this loop removes entries,
                // so the delivery is still there after the awaits, though perhaps at another index.
                var index = State.Inbox.FindIndex(p => p.Event.Delivery == next.Event.Delivery);
                var attempts = next.Attempts + 1;
                var now = time.GetUtcNow();
                if (result.Transient && _retries.NextAttempt(attempts, next.Since, now) is { } retryAt)
                {
                    State.Inbox[index] = State.Inbox[index] with { Attempts = attempts, NotBefore = retryAt, LastError = result.Reason };
                    UpdateRecord(next.Event.Delivery, r => r with { Attempts = attempts, Reason = result.Reason });
                    await SaveAndNotifyAsync(unsaved);
                    continue;
                }

                State.Inbox.RemoveAt(index);
                unsaved.Add(Complete(next.Event, result.Transient ? result with { State = DeliveryState.Failed } : result, attempts));

                // Outcomes are written in small batches while more deliveries are ready: a crash before the write only
                // means the same deliveries are processed again, which idempotent apply makes harmless.
                if (unsaved.Count >= MaxUnsavedOutcomes || NextReady(time.GetUtcNow()).Next is null)
                {
                    await SaveAndNotifyAsync(unsaved);
                }
            }
        }
        finally
        {
            if (unsaved.Count > 0)
            {
                await SaveAndNotifyAsync(unsaved);
            }

            _draining = false;
        }

        // A request that arrived while the loop was finishing could not arm the timer: look once more.
        if (!cancellationToken.IsCancellationRequested && NextReady(time.GetUtcNow()).Next is not null)
        {
            ScheduleDrain(TimeSpan.Zero);
        }
    }

    /// <summary>
    /// The first delivery that may run now. Order is kept per ref: a delivery runs only when no earlier one of its
    /// ref is pending, so one waiting for a retry holds up its own ref and nothing else. Otherwise, how long until
    /// the soonest waiting one may run (null when nothing is pending).
    /// </summary>
    private (PendingDelivery? Next, TimeSpan? Wait) NextReady(DateTimeOffset now)
    {
        var refsAhead = new HashSet<GitRef>();
        TimeSpan? soonest = null;
        foreach (var pending in State.Inbox)
        {
            if (!refsAhead.Add(pending.Event.Ref))
            {
                continue;
            }

            var wait = pending.NotBefore - now;
            if (wait <= TimeSpan.Zero)
            {
                return (pending, null);
            }

            soonest = soonest is { } s && s < wait ? s : wait;
        }

        return (null, soonest);
    }

    private async Task SaveAndNotifyAsync(List<DeliveryRecord> unsaved)
    {
        await SaveAsync();
        unsaved.ForEach(Notify);
        unsaved.Clear();
    }

    /// <summary>
    /// Whether the delivery should run at all, decided from the grain's state and git before anything is
    /// applied; null when it must be processed. An operator's re-run always runs.
    /// </summary>
    private async Task<ProcessingResult?> DecideAsync(PendingDelivery pending, CancellationToken cancellationToken)
    {
        var e = pending.Event;

        // A deletion comes twice (a delete event and a push with deleted: true): the first acts, the second finds it done.
        if (e.Rerun == 0 && pending.TwinOf is { } twin)
        {
            return ProcessingResult.Final(DeliveryState.Superseded, $"the deletion of {e.Ref} was handled by delivery {twin}");
        }

        // A deletion of a ref that is deleted already (its twin was queued before deliveries were paired on arrival).
        if (e.IsDeletion && e.Rerun == 0 && State.Refs.TryGetValue(e.Ref, out var known) && known.LastRevision == WebhookEvent.ZeroRevision)
        {
            return ProcessingResult.Final(DeliveryState.Superseded, $"the deletion of {e.Ref} was handled by delivery {known.LastDelivery}");
        }

        // Copied before the awaits: requests may append to the inbox meanwhile. A twin deletion supersedes nothing.
        var waiting = State.Inbox.SkipWhile(p => p.Event.Delivery != e.Delivery).Skip(1).Where(p => p.TwinOf is null).Select(p => p.Event).ToList();
        try
        {
            return await decider.DecideAsync(e, State.Refs.GetValueOrDefault(e.Ref), waiting, cancellationToken);
        }
        catch (DeliveryRefusedException refused)
        {
            return ProcessingResult.Final(DeliveryState.Rejected, refused.Message);
        }
        catch (Kubernetes.TransientException t)
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
        // The ref's tip moves with pushes and deletions only: a re-requested check on an old commit, or an
        // operator's re-run of an old delivery, must not rewind it.
        var movesTip = e.Rerun == 0 && e.Kind is EventKind.Push or EventKind.Delete;
        var done = result.State is DeliveryState.Applied or DeliveryState.NoManifest || (e.IsDeletion && result.State == DeliveryState.Ignored);
        if (movesTip && done)
        {
            var revision = e.IsDeletion ? WebhookEvent.ZeroRevision : e.Revision;
            State.Refs[e.Ref] = new RefRecord(e.Ref, revision, e.Delivery, result.Objects, now);
            PruneRefs(now, e.Ref);
        }

        LogCompleted(logger, Repository, e.Ref.Value, e.Delivery.Value, result.State, result.Reason);
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
}
