using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Repositories;

namespace K8sWebhookHandler.Grains.Health;

/// <summary>
/// Reads its record through the storage the repository grains use, on every probe: an activated grain answers from
/// memory, so only a read shows whether storage answers now. Readiness's record is never written, so nothing
/// accumulates; the warm-up writes its own record and deletes it again, and removes the reminder it registers.
/// </summary>
public sealed class StorageProbeGrain(
    [PersistentState("readiness-probe", StorageNames.Repositories)] IPersistentState<StorageProbeState> state) : Grain, IStorageProbeGrain, IRemindable
{
    private const string WarmUpReminder = "warm-up";

    public Task Probe() => state.ReadStateAsync();

    public async Task<WebhookEvent?> WarmUp(WebhookEvent sample)
    {
        state.State = new StorageProbeState { Sample = sample, Record = Queued(sample) };
        await state.WriteStateAsync();
        await state.ReadStateAsync();
        var read = state.State.Sample;
        await state.ClearStateAsync();

        // Reminders are never due before a minute has passed, so this one is gone before it could fire.
        await this.UnregisterReminder(await this.RegisterOrUpdateReminder(WarmUpReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)));
        return read;
    }

    /// <summary>A reminder left behind by a warm-up that failed half-way is removed when it fires.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private static DeliveryRecord Queued(WebhookEvent e) =>
        new(e.Delivery, e.EventType, e.Action, e.Ref, e.Revision, e.ReceivedAt, DeliveryState.Queued, null, 0, [], null, Before: e.Before, Deleted: e.Deleted);
}

/// <summary>The probe's record: empty for readiness, which never writes it; the warm-up's samples while its round trip lasts.</summary>
public sealed class StorageProbeState
{
    /// <summary>The event the warm-up wrote; null in readiness's record.</summary>
    public WebhookEvent? Sample { get; set; }

    /// <summary>The queued delivery record the warm-up wrote beside its event; null in readiness's record.</summary>
    public DeliveryRecord? Record { get; set; }
}
