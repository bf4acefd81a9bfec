using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Abstractions.Recovery;
using Orleans.Concurrency;

namespace K8sWebhookHandler.Abstractions;

/// <summary>
/// The cluster's one delivery reconciler (key 0): on start and every <c>Handler:GitHub:Recovery:Interval</c> it lists
/// what GitHub records of its webhooks' deliveries since its durable checkpoint, and asks GitHub to send again each
/// failed delivery that the handler never recorded.
/// </summary>
[Alias("delivery-recovery-grain")]
public interface IDeliveryRecoveryGrain : IGrainWithIntegerKey
{
    /// <summary>Keeps the reminder (or drops it when recovery is off) and starts a run unless one runs.</summary>
    [Alias("start")]
    Task Start();

    /// <summary>
    /// A hook seen on a new delivery <paramref name="taughtBy"/>; remembered (durably, bounded) when new, and kept once
    /// GitHub lists that delivery through it. Intake never waits for the answer.
    /// </summary>
    [AlwaysInterleave, Alias("learn")]
    Task Learn(WebhookHook hook, DeliveryId taughtBy);

    /// <summary>Runs now and answers the finished run; when one is running already, answers that one as it stands.</summary>
    [AlwaysInterleave, Alias("run")]
    Task<RecoveryRun> Run();

    /// <summary>Settings, hooks and recent runs.</summary>
    [AlwaysInterleave, Alias("inspect")]
    Task<RecoveryView> Inspect();
}
