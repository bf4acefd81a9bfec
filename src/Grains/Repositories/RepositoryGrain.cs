using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Diagnostics;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Telemetry;
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
/// Deliveries interleave: each is examined and accepted in one turn, and every change is written to the repository's
/// journal before it is acknowledged, together with whatever other requests changed meanwhile.
/// </summary>
public sealed partial class RepositoryGrain(
    IJournalStore journalStore,
    IDeliveryProcessor processor,
    SupersedeDecider decider,
    IOptions<DeliveryOptions> options,
    IOptions<PullRequestOptions> pullRequests,
    [FromKeyedServices(RepositoryGrain.ClockKey)] TimeProvider time,
    HandlerMetrics metrics,
    ILogger<RepositoryGrain> logger) : Grain, IRepositoryGrain, IRemindable
{
    /// <summary>
    /// The key of the clock the grain reads (arrival, retention, retries): the host's <see cref="TimeProvider"/> unless
    /// one is registered under this key. Orleans runs on the host's clock, so a test can move this one alone.
    /// </summary>
    public const string ClockKey = "repository-clock";

    /// <summary>The name the grain's <see cref="RepositoryState"/> is stored under.</summary>
    public const string StateName = "repository";

    /// <summary>Wakes the grain while deliveries or reports are pending, so that a silo's death never strands them.</summary>
    private const string PendingReminder = "pending-deliveries";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private const int MaxUnsavedOutcomes = 16;

    // Registering and removing the reminder never overlap, so that a delivery accepted meanwhile keeps it.
    private readonly SemaphoreSlim _reminderGate = new(1, 1);
    private readonly Dictionary<DeliveryId, List<TaskCompletionSource<DeliveryRecord>>> _waiters = [];
    private IGrainTimer? _drainTimer;
    private bool _draining;

    // Whether this activation has registered the pending-deliveries reminder; it stays until it fires with
    // nothing pending, so a busy repository registers it about once a minute, not once a delivery.
    private bool _reminderRegistered;

    private RepositoryJournal? _journal;
    private Inbox? _inbox;

    /// <summary>The state in memory and its journal, read when the grain activates.</summary>
    private RepositoryJournal Journal => _journal ?? throw new InvalidOperationException("the repository's journal is read on activation");

    /// <summary>The inbox's rules over the state, which it reads afresh on every call (storage may be read again).</summary>
    private Inbox Inbox => _inbox ??= new Inbox(() => Journal.State, options.Value, time, Changed, pullRequests.Value);

    private string Repository => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var grain = this.GetGrainId();
        var earlier = new LegacyState(ServiceProvider.GetKeyedService<Orleans.Storage.IGrainStorage>(StorageNames.Repositories), grain);
        _journal = new RepositoryJournal(grain.ToString(), journalStore, earlier, options.Value);
        await _journal.ReadAsync();
        TrackLoad();
        if (Inbox.Pending > 0)
        {
            LogResuming(logger, Repository, Inbox.Pending);
            await EnsureReminderAsync();
            ScheduleDrain(TimeSpan.Zero);
        }

        if (Inbox.Unreported > 0)
        {
            await EnsureReminderAsync();
            ScheduleReports(TimeSpan.Zero);
        }

        Announce();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Inbox.Pending > 0 || Inbox.Unreported > 0)
        {
            await Wake();
            return;
        }

        await _reminderGate.WaitAsync();
        try
        {
            // Checked and cleared in one turn: a delivery accepted after this registers the reminder again.
            if (Inbox.Pending == 0 && Inbox.Unreported == 0)
            {
                _reminderRegistered = false;
                if (await this.GetReminder(reminderName) is { } reminder)
                {
                    await this.UnregisterReminder(reminder);
                }
            }
        }
        finally
        {
            _reminderGate.Release();
        }
    }

    public async Task<DeliveryStatus> Enqueue(WebhookEvent webhookEvent)
    {
        using var activity = StartAccept(webhookEvent);
        using var scope = logger.BeginDeliveryScope(webhookEvent.Delivery.Value, Repository);
        var status = await AcceptAsync(webhookEvent, activity);
        activity.Outcome(System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString()));
        return status;
    }

    private async Task<DeliveryStatus> AcceptAsync(WebhookEvent webhookEvent, System.Diagnostics.Activity? activity)
    {
        await Journal.EnsureCertainAsync();
        var arrival = Inbox.Examine(webhookEvent);

        // Examined and accepted in one turn, so that concurrent requests never both accept one id. A delivery to be
        // queued, or a report, needs the reminder first; while it is registered, others may change the inbox: examine again.
        while (NeedsReminder(arrival) && !_reminderRegistered)
        {
            await EnsureReminderAsync();
            await Journal.EnsureCertainAsync();
            arrival = Inbox.Examine(webhookEvent);
        }

        var reported = Take(arrival);

        // A duplicate waits too: the delivery it repeats may still be being written.
        await SaveAsync();
        if (arrival.Queues)
        {
            RememberTrace(webhookEvent, activity);
            ScheduleDrain(TimeSpan.Zero);
        }

        if (reported)
        {
            ScheduleReports(TimeSpan.Zero);
        }

        return arrival.Status;
    }

    public async Task<DeliveryRecord?> Retry(DeliveryId delivery)
    {
        // The reminder first, so that the retry is planned and made in one turn.
        await EnsureReminderAsync();
        await Journal.EnsureCertainAsync();
        var retry = Inbox.PlanRetry(delivery);
        var answer = retry.Record;
        switch (retry.Kind)
        {
            case RetryKind.RunPendingNow:
                Inbox.RunNow(delivery);
                break;
            case RetryKind.Requeue when retry.Again is { } again:
                answer = Inbox.Requeue(again, "retried by an operator");
                _traces.Remember(again.Delivery, CallerContext());
                LogRetried(logger, Repository, again.Ref.Value, delivery.Value, again.Rerun);
                break;
            default:
                return answer;
        }

        metrics.RetryQueued(retry.Record!.EventType.Kind, RetryTrigger.Operator);
        await SaveAsync();
        ScheduleDrain(TimeSpan.Zero);
        return answer;
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
        await _reminderGate.WaitAsync();
        try
        {
            if (!_reminderRegistered)
            {
                await this.RegisterOrUpdateReminder(PendingReminder, ReminderPeriod, ReminderPeriod);
                _reminderRegistered = true;
            }
        }
        finally
        {
            _reminderGate.Release();
        }
    }

    public Task Wake()
    {
        if (Inbox.Pending > 0)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        if (Inbox.Unreported > 0)
        {
            ScheduleReports(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }
}
