using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>
/// Owns one repository: its durable inbox (whose rules are <see cref="Repositories.Inbox"/>'s) and the loop that
/// drains it one delivery at a time, in arrival order per ref. The grain keeps the Orleans side: activation, the
/// pending-deliveries reminder, the drain timer, persistence and waiters. Requests are not reentrant; the drain loop
/// runs on an interleaving timer so that a slow git fetch or API call never holds up the acknowledgement of new
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
    private readonly Dictionary<DeliveryId, List<TaskCompletionSource<DeliveryRecord>>> _waiters = [];
    private IGrainTimer? _drainTimer;
    private bool _draining;

    // Whether this activation has registered the pending-deliveries reminder; it stays until it fires with
    // nothing pending, so a busy repository registers it about once a minute, not once a delivery.
    private bool _reminderRegistered;

    // Set when a write failed: memory may then hold changes storage does not, and nothing may be answered from
    // it (a retried delivery would be called a duplicate of one never stored) until storage is read again.
    private bool _stateUncertain;

    private Inbox? _inbox;

    /// <summary>The inbox's rules over the stored state, which it reads afresh on every call.</summary>
    private Inbox Inbox => _inbox ??= new Inbox(() => state.State, options.Value, time);

    private string Repository => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Inbox.Pending > 0)
        {
            LogResuming(logger, Repository, Inbox.Pending);
            await EnsureReminderAsync();
            ScheduleDrain(TimeSpan.Zero);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Inbox.Pending > 0)
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
        var arrival = Inbox.Examine(webhookEvent);
        switch (arrival.Kind)
        {
            case ArrivalKind.Duplicate:
                LogDuplicate(logger, Repository, webhookEvent.Delivery.Value);
                return DeliveryStatus.Duplicate;
            case ArrivalKind.Replay:
                LogReplay(logger, Repository, webhookEvent.Ref.Value, webhookEvent.Delivery.Value, arrival.Original?.Value ?? "");
                return DeliveryStatus.Duplicate;
            case ArrivalKind.Redelivery:
                await RequeueAsync(arrival.Event, "redelivered after it failed");
                return DeliveryStatus.Queued;
        }

        var queued = arrival.Kind == ArrivalKind.New;
        if (queued)
        {
            await EnsureReminderAsync();
        }

        // From here until the write returns, memory is ahead of storage; SaveAsync marks it uncertain if the write fails.
        Inbox.Accept(arrival);
        await SaveAsync();
        if (queued)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        return arrival.Status;
    }

    public async Task<DeliveryRecord?> Retry(DeliveryId delivery)
    {
        await EnsureStateCertainAsync();
        var retry = Inbox.PlanRetry(delivery);
        switch (retry.Kind)
        {
            case RetryKind.RunPendingNow:
                Inbox.RunNow(delivery);
                await SaveAsync();
                ScheduleDrain(TimeSpan.Zero);
                return retry.Record;
            case RetryKind.Requeue when retry.Again is { } again:
                var queued = await RequeueAsync(again, "retried by an operator");
                LogRetried(logger, Repository, again.Ref.Value, delivery.Value, again.Rerun);
                return queued;
            default:
                return retry.Record;
        }
    }

    public Task<RepositorySnapshot> Inspect() => Task.FromResult(Inbox.Snapshot(RepositoryKey.Parse(Repository)));

    public async Task<DeliveryRecord?> WaitForOutcome(DeliveryId delivery, TimeSpan timeout)
    {
        var current = Inbox.Find(delivery);
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
            return Inbox.Find(delivery);
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

    /// <summary>
    /// Queues a finished delivery again, with a fresh retry budget, and stores that before answering; returns its
    /// record as queued (the drain may move on while this is saved).
    /// </summary>
    private async Task<DeliveryRecord?> RequeueAsync(WebhookEvent again, string reason)
    {
        await EnsureReminderAsync();
        var queued = Inbox.Requeue(again, reason);
        await SaveAsync();
        ScheduleDrain(TimeSpan.Zero);
        return queued;
    }

    public Task Wake()
    {
        if (Inbox.Pending > 0)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }
}
