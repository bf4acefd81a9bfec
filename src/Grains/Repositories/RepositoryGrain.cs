using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Identity;
using K8sWebhookHandler.Grains.Inspection;
using K8sWebhookHandler.Grains.Processing;
using Microsoft.Extensions.DependencyInjection;
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
    IOptions<DeliveryOptions> options,
    [FromKeyedServices(RepositoryGrain.ClockKey)] TimeProvider time,
    ILogger<RepositoryGrain> logger) : Grain, IRepositoryGrain, IRemindable
{
    /// <summary>
    /// The key of the clock the grain reads (arrival, retention, retries): the host's <see cref="TimeProvider"/> unless
    /// one is registered under this key. Orleans runs on the host's clock, so a test can move this one alone.
    /// </summary>
    public const string ClockKey = "repository-clock";

    /// <summary>Wakes the grain while deliveries are pending, so that a silo's death never strands them.</summary>
    private const string PendingReminder = "pending-deliveries";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private const int MaxUnsavedOutcomes = 16;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly RetrySchedule _retries = new(options.Value);
    private readonly EventFilter _filter = new(options.Value);
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
            await EnsureReminderAsync();
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
        var now = time.GetUtcNow();
        if (Remembers(id, now))
        {
            // GitHub's "Redeliver" repeats the id: a delivery that failed for good is queued again, anything else is done.
            if (FindRecord(id) is { State: DeliveryState.Failed } failed && !IsPending(id))
            {
                await RequeueAsync(webhookEvent with { Rerun = failed.Rerun }, "redelivered after it failed", now);
                return DeliveryStatus.Queued;
            }

            LogDuplicate(logger, Repository, id.Value);
            return DeliveryStatus.Duplicate;
        }

        var ignored = _filter.Ignore(webhookEvent);
        if (ignored is null && ReplayOf(webhookEvent) is { } original)
        {
            // The signature does not cover the delivery id: a captured body resent under a new id changes nothing.
            LogReplay(logger, Repository, webhookEvent.Ref, id.Value, original);
            return DeliveryStatus.Duplicate;
        }

        var status = ignored is null ? DeliveryStatus.Queued : DeliveryStatus.Ignored;
        if (status == DeliveryStatus.Queued)
        {
            await EnsureReminderAsync();
        }

        // From here until the write returns, memory is ahead of storage; SaveAsync marks it uncertain if the write fails.
        ForgetOldDeliveries(now);
        State.Seen[id.Value] = now;
        if (status == DeliveryStatus.Queued)
        {
            NoteReceived(webhookEvent, now);
            TryWaitingDeliveriesOfRefNow(webhookEvent.Ref, now);
            State.Inbox.Add(new PendingDelivery(webhookEvent, 0, now, null, now, PairDeletion(webhookEvent, now)));
        }

        AddRecord(new DeliveryRecord(id, webhookEvent.EventType, webhookEvent.Action, webhookEvent.Ref, webhookEvent.Revision,
            webhookEvent.ReceivedAt, ignored?.State ?? DeliveryState.Queued, ignored?.Reason, 0, [],
            ignored is null ? null : now, Before: webhookEvent.Before, Deleted: webhookEvent.Deleted));
        await SaveAsync();
        if (status == DeliveryStatus.Queued)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        return status;
    }

    public async Task<DeliveryRecord?> Retry(DeliveryId delivery)
    {
        await EnsureStateCertainAsync();
        var record = FindRecord(delivery);
        if (record is null || record.State is DeliveryState.Ignored or DeliveryState.IgnoredRef || State.Repository is not { } facts)
        {
            return record;
        }

        var now = time.GetUtcNow();
        var pending = State.Inbox.FindIndex(p => p.Event.Delivery == delivery);
        if (pending >= 0)
        {
            State.Inbox[pending] = State.Inbox[pending] with { NotBefore = now };
            await SaveAsync();
            ScheduleDrain(TimeSpan.Zero);
            return record;
        }

        // A failed delivery is finished as it was; any other outcome is run again under new object names.
        var rerun = record.State == DeliveryState.Failed ? record.Rerun : record.Rerun + 1;
        var again = new WebhookEvent(record.Delivery, record.EventType, record.Action, record.Ref, record.Revision, record.Before,
            false, record.Deleted, false, facts, record.ReceivedAt, rerun);
        var queued = await RequeueAsync(again, "retried by an operator", now);
        LogRetried(logger, Repository, record.Ref, delivery.Value, rerun);
        return queued;
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

    /// <summary>
    /// Registers the pending-deliveries reminder once per activation, before anything changes in memory and durable
    /// before the delivery is: if this silo dies after the answer, the reminder wakes the grain elsewhere. A
    /// reminder without a delivery fires once and goes.
    /// </summary>
    private async Task EnsureReminderAsync()
    {
        if (!_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(PendingReminder, ReminderPeriod, ReminderPeriod);
            _reminderRegistered = true;
        }
    }

    /// <summary>Queues a recorded delivery again, with a fresh retry budget, and stores that before answering.</summary>
    /// <summary>Queues a finished delivery again; returns its record as queued (the drain may move on while this is saved).</summary>
    private async Task<DeliveryRecord?> RequeueAsync(WebhookEvent webhookEvent, string reason, DateTimeOffset now)
    {
        await EnsureReminderAsync();
        State.Inbox.Add(new PendingDelivery(webhookEvent, 0, now, null, now));
        UpdateRecord(webhookEvent.Delivery, r => r with { State = DeliveryState.Queued, Reason = reason, Attempts = 0, CompletedAt = null, Rerun = webhookEvent.Rerun });
        var queued = FindRecord(webhookEvent.Delivery);
        await SaveAsync();
        ScheduleDrain(TimeSpan.Zero);
        return queued;
    }

    private bool IsPending(DeliveryId delivery) => State.Inbox.Exists(p => p.Event.Delivery == delivery);

    public Task Wake()
    {
        if (State.Inbox.Count > 0)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        return Task.CompletedTask;
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
}
