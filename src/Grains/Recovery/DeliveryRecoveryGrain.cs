using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace K8sWebhookHandler.Grains.Recovery;

/// <summary>
/// The cluster's one reconciler (<see cref="IDeliveryRecoveryGrain"/>): a reminder every <c>Interval</c> survives the loss
/// of its silo, and every silo's start asks for a run. Reentrant, so that learning hooks and inspection are answered
/// while a run waits for GitHub; one run at a time, and the state's writes one after another.
/// </summary>
[Reentrant]
public sealed partial class DeliveryRecoveryGrain(
    [PersistentState(DeliveryRecoveryGrain.StateName, StorageNames.Repositories)] IPersistentState<RecoveryState> stored,
    IOptions<RecoveryOptions> options, IOptions<DeliveryOptions> delivery, TimeProvider time, HandlerMetrics metrics, ILogger<DeliveryRecoveryGrain> logger)
    : Grain, IDeliveryRecoveryGrain, IRemindable
{
    /// <summary>The name the state is stored under.</summary>
    public const string StateName = "delivery-recovery";

    /// <summary>How long a run keeps its activation from being collected.</summary>
    public static readonly TimeSpan RunDeadline = TimeSpan.FromHours(1);

    /// <summary>How long <see cref="Run"/> waits for the run before answering it as it stands.</summary>
    public static readonly TimeSpan RunWait = TimeSpan.FromSeconds(20);

    private const string ReminderName = "delivery-recovery";
    private readonly CancellationTokenSource _stop = new();
    private Task<RecoveryRun>? _running;
    private RecoveryRun? _current;
    private Task _write = Task.CompletedTask;

    private RecoveryOptions Options => options.Value;

    private IHookDeliveries? Deliveries => ServiceProvider.GetService<IHookDeliveries>();

    public async Task Start()
    {
        if (Disabled() is not null)
        {
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        await this.RegisterOrUpdateReminder(ReminderName, Options.Interval, Options.Interval);
        _ = StartRun(RecoveryTrigger.Start);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ = Disabled() is null ? StartRun(RecoveryTrigger.Schedule) : null;
        return Task.CompletedTask;
    }

    public async Task Learn(WebhookHook hook, DeliveryId taughtBy)
    {
        if (!stored.State.Learn(hook, taughtBy.Value))
        {
            return;
        }

        try
        {
            await SaveAsync();
        }
        catch
        {
            // Not written: taken back, so that the caller's next attempt is not taken for one already known.
            stored.State.Unlearn(hook);
            throw;
        }

        LogLearned(logger, hook.Name);
    }

    public async Task<RecoveryRun> Run()
    {
        if (Disabled() is { } why)
        {
            return new RecoveryRun(time.GetUtcNow(), RecoveryTrigger.Operator, RecoveryOutcome.Failed, time.GetUtcNow(), Errors: [why]);
        }

        // A run under way is waited for, not started again; one that takes longer is answered as it stands.
        var running = StartRun(RecoveryTrigger.Operator);
        await Task.WhenAny(running, Task.Delay(RunWait, time));
        return running.IsCompleted ? await running : _current ?? await running;
    }

    public Task<RecoveryView> Inspect()
    {
        var disabled = Disabled();
        return Task.FromResult(new RecoveryView(disabled is null, Options.Interval, Hooks(), [.. stored.State.Runs], disabled));
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A run stored as running was cut short with the process that ran it; this activation is the only one that runs runs.
        stored.State.EndCutShort();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Why no run happens: switched off, or nothing to list deliveries with; null when runs happen.</summary>
    private string? Disabled() =>
        !Options.Enabled ? $"{RecoveryOptions.Section}:Enabled is false"
        : Deliveries is { } deliveries && (deliveries.Unavailable(HookKind.App) is null || deliveries.Unavailable(HookKind.Repository) is null) ? null
        : "no GitHub token or App is configured";

    /// <summary>The hooks a run reconciles: the App's with an App, else the configured and learned repository hooks.</summary>
    private IReadOnlyList<WebhookHook> Hooks() => Deliveries is { } deliveries && deliveries.Unavailable(HookKind.App) is null
        ? [WebhookHook.App]
        : Options.ConfiguredHooks().Concat(stored.State.Hooks).Distinct().ToArray();

    private Task<RecoveryRun> StartRun(RecoveryTrigger trigger)
    {
        if (_running is not { IsCompleted: false })
        {
            _running = RunAsync(trigger);
        }

        return _running;
    }

    private async Task<RecoveryRun> RunAsync(RecoveryTrigger trigger)
    {
        var started = new RecoveryRun(time.GetUtcNow(), trigger);
        _current = started;

        // The run is no request: without this an idle activation could be collected in the middle of it.
        DelayDeactivation(RunDeadline);
        var reconciler = new Reconciler(stored.State, Deliveries!, KnowsAsync, Options.Within(delivery.Value.DeliveryRetention), time, SaveAsync, delivery.Value.ActsOn);
        RecoveryRun run;
        try
        {
            run = await reconciler.RunAsync(Hooks(), started, Show, _stop.Token);
        }
        catch (Exception e)
        {
            // A repository grain or the storage away: the run is recorded as failed, and the next one starts over.
            run = started with { Outcome = RecoveryOutcome.Failed, FinishedAt = time.GetUtcNow(), Errors = [e.Message] };
            Show(run);
        }

        metrics.RecoveryRun(run.Outcome, run.Requested);
        LogRun(logger, MetricLabels.Of(run.Trigger), MetricLabels.Of(run.Outcome), run.Listed, run.Failed, run.AlreadyRecorded, run.Requested, string.Join("; ", run.Errors ?? []));
        await SaveAsync().ContinueWith(_ => { }, TaskScheduler.Current);
        return run;
    }

    private void Show(RecoveryRun run)
    {
        _current = run;
        stored.State.Record(run);
    }

    private Task<bool> KnowsAsync(RepositoryKey repository, DeliveryId delivery) =>
        GrainFactory.GetGrain<IRepositoryGrain>(repository.Value).Knows(delivery);

    /// <summary>Writes the state after any write under way: writes never overlap.</summary>
    private Task SaveAsync() => _write = WriteAfterAsync(_write);

    private async Task WriteAfterAsync(Task previous)
    {
        await previous.ContinueWith(_ => { }, TaskScheduler.Current);
        try
        {
            await stored.WriteStateAsync();
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            // Another activation wrote the state: this one ends, and the next reads what that one wrote.
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Learned webhook {Hook} from a delivery; delivery recovery reconciles it from now on")]
    private static partial void LogLearned(ILogger logger, string hook);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery recovery ({Trigger}): {Outcome}; {Listed} attempts listed, {Failed} deliveries failed, {Recorded} recorded already, {Requested} redeliveries asked for. {Errors}")]
    private static partial void LogRun(ILogger logger, string trigger, string outcome, int listed, int failed, int recorded, int requested, string errors);
}
