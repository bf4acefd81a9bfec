using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Identity;
using K8sWebhookHandler.Grains.Inspection;
using K8sWebhookHandler.Grains.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// Owns one repository: a durable inbox, the delivery ids seen, per-ref state, and the loop that drains the
/// inbox one delivery at a time, in arrival order. Requests are not reentrant; the drain loop runs on an
/// interleaving timer so that a slow git fetch or API call never holds up the acknowledgement of new
/// deliveries. Only the loop touches the head of the inbox and the per-ref state; requests only append.
/// Every change is written before it is acknowledged, through one write gate.
/// </summary>
public sealed partial class RepositoryGrain(
    [PersistentState("repository", StorageNames.Repositories)] IPersistentState<RepositoryState> state,
    IDeliveryProcessor processor,
    SupersedeDecider decider,
    IOptions<HandlerOptions> options,
    TimeProvider time,
    ILogger<RepositoryGrain> logger) : Grain, IRepositoryGrain, IRemindable
{
    /// <summary>Wakes the grain while deliveries are pending, so that a silo's death never strands them.</summary>
    private const string PendingReminder = "pending-deliveries";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private const int MaxUnsavedOutcomes = 16;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<DeliveryId, List<TaskCompletionSource<DeliveryRecord>>> _waiters = [];
    private IGrainTimer? _drainTimer;
    private bool _draining;

    // Whether this activation has registered the pending-deliveries reminder; it stays until it fires with
    // nothing pending, so a busy repository registers it about once a minute, not once a delivery.
    private bool _reminderRegistered;

    // Set when a write failed: memory may then hold changes storage does not, and nothing may be answered from
    // it (a retried delivery would be called a duplicate of one never stored) until storage is read again.
    private bool _stateUncertain;

    private RepositoryState State => state.State;

    private string Repository => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Inbox.Count > 0)
        {
            LogResuming(logger, Repository, State.Inbox.Count);
            await this.RegisterOrUpdateReminder(PendingReminder, ReminderPeriod, ReminderPeriod);
            _reminderRegistered = true;
            ScheduleDrain(TimeSpan.Zero);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Inbox.Count > 0)
        {
            ScheduleDrain(TimeSpan.Zero);
        }
        else if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
            _reminderRegistered = false;
        }
    }

    public async Task<DeliveryStatus> Enqueue(WebhookEvent webhookEvent)
    {
        await EnsureStateCertainAsync();
        var id = webhookEvent.Delivery;
        if (State.Seen.ContainsKey(id.Value))
        {
            LogDuplicate(logger, Repository, id.Value);
            return DeliveryStatus.Duplicate;
        }

        var ignoreReason = EventFilter.IgnoreReason(webhookEvent);
        var status = ignoreReason is null ? DeliveryStatus.Queued : DeliveryStatus.Ignored;
        if (status == DeliveryStatus.Queued && !_reminderRegistered)
        {
            // Before anything changes in memory, and durable before the delivery is: if this silo dies after the
            // answer, the reminder wakes the grain elsewhere. A reminder without a delivery fires once and goes.
            await this.RegisterOrUpdateReminder(PendingReminder, ReminderPeriod, ReminderPeriod);
            _reminderRegistered = true;
        }

        // From here until the write returns, memory is ahead of storage; SaveAsync marks it uncertain if the write fails.
        var now = time.GetUtcNow();
        ForgetOldDeliveries(now);
        State.Seen[id.Value] = now;
        if (status == DeliveryStatus.Queued)
        {
            State.Inbox.Add(new PendingDelivery(webhookEvent, 0, now, null));
        }

        AddRecord(new DeliveryRecord(id, webhookEvent.EventType, webhookEvent.Action, webhookEvent.Ref, webhookEvent.Revision,
            webhookEvent.ReceivedAt, ignoreReason is null ? DeliveryState.Queued : DeliveryState.Ignored, ignoreReason, 0, [],
            ignoreReason is null ? null : now));
        await SaveAsync();
        if (status == DeliveryStatus.Queued)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        return status;
    }

    public Task<RepositorySnapshot> Inspect() => Task.FromResult(new RepositorySnapshot(
        RepositoryKey.Parse(Repository),
        State.Inbox.Count,
        State.History.AsEnumerable().Reverse().ToArray(),
        State.Refs.Values.OrderBy(r => r.Ref, StringComparer.Ordinal).ToArray()));

    public async Task<DeliveryRecord?> WaitForOutcome(DeliveryId delivery, TimeSpan timeout)
    {
        var current = FindRecord(delivery);
        if (current is null || current.IsFinal)
        {
            return current;
        }

        var waiter = new TaskCompletionSource<DeliveryRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_waiters.TryGetValue(delivery, out var list))
        {
            _waiters[delivery] = list = [];
        }

        list.Add(waiter);
        try
        {
            return await waiter.Task.WaitAsync(timeout, time);
        }
        catch (TimeoutException)
        {
            return FindRecord(delivery);
        }
        finally
        {
            list.Remove(waiter);
        }
    }

    public Task Wake()
    {
        if (State.Inbox.Count > 0)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

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

    /// <summary>
    /// Writes the state. A failed write leaves memory uncertain: it is read again from storage, the truth, before
    /// anything else is answered, and the grain deactivates when idle.
    /// </summary>
    private async Task SaveAsync()
    {
        await _writeGate.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            _stateUncertain = true;
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task EnsureStateCertainAsync()
    {
        if (!_stateUncertain)
        {
            return;
        }

        await _writeGate.WaitAsync();
        try
        {
            await state.ReadStateAsync();
            _stateUncertain = false;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void AddRecord(DeliveryRecord record)
    {
        State.History.Add(record);
        var excess = State.History.Count - options.Value.HistoryLimit;
        if (excess > 0)
        {
            var pending = State.Inbox.Select(p => p.Event.Delivery).ToHashSet();
            var removable = State.History.Where(r => !pending.Contains(r.Delivery)).Take(excess).ToHashSet();
            State.History.RemoveAll(removable.Contains);
        }
    }

    private DeliveryRecord? UpdateRecord(DeliveryId delivery, Func<DeliveryRecord, DeliveryRecord> change)
    {
        var index = State.History.FindLastIndex(r => r.Delivery == delivery);
        if (index < 0)
        {
            return null;
        }

        State.History[index] = change(State.History[index]);
        return State.History[index];
    }

    private DeliveryRecord? FindRecord(DeliveryId delivery) => State.History.FindLast(r => r.Delivery == delivery);

    private void Notify(DeliveryRecord record)
    {
        if (_waiters.TryGetValue(record.Delivery, out var list))
        {
            foreach (var waiter in list.ToArray())
            {
                waiter.TrySetResult(record);
            }

            _waiters.Remove(record.Delivery);
        }
    }

    private void ForgetOldDeliveries(DateTimeOffset now)
    {
        var settings = options.Value;
        if (State.Seen.Count < settings.MaxRememberedDeliveries && State.Seen.Count % 256 != 0)
        {
            return;
        }

        var cutoff = now - settings.DeliveryRetention;
        var keep = State.Seen.Where(s => s.Value >= cutoff)
            .OrderByDescending(s => s.Value)
            .Take(settings.MaxRememberedDeliveries - 1)
            .ToDictionary(s => s.Key, s => s.Value);
        State.Seen = keep;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate delivery {DeliveryId} for {Repository}: already seen")]
    private static partial void LogDuplicate(ILogger logger, string repository, string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Repository} with {Count} pending delivery(ies)")]
    private static partial void LogResuming(ILogger logger, string repository, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository} {Ref} delivery {DeliveryId}: {State} {Reason}")]
    private static partial void LogCompleted(ILogger logger, string repository, string @ref, string deliveryId, DeliveryState state, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing delivery {DeliveryId} of {Repository} failed unexpectedly")]
    private static partial void LogProcessingError(ILogger logger, Exception exception, string repository, string deliveryId);
}
