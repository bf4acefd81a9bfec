using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Repositories;

namespace K8sWebhookHandler.Grains.Health;

/// <summary>
/// Reads its record through the storage the repository grains use, on every probe: an activated grain answers from
/// memory, so only a read shows whether storage answers now. Readiness's record is never written, so nothing
/// accumulates; the warm-up's round trip writes its own record and deletes it again.
/// </summary>
public sealed class StorageProbeGrain(
    [PersistentState("readiness-probe", StorageNames.Repositories)] IPersistentState<StorageProbeState> state) : Grain, IStorageProbeGrain
{
    public Task Probe() => state.ReadStateAsync();

    public async Task<WebhookEvent?> RoundTrip(WebhookEvent sample)
    {
        state.State = new StorageProbeState { Sample = sample };
        await state.WriteStateAsync();
        await state.ReadStateAsync();
        var read = state.State.Sample;
        await state.ClearStateAsync();
        return read;
    }
}

/// <summary>The probe's record: empty for readiness, which never writes it; the warm-up's sample while its round trip lasts.</summary>
public sealed class StorageProbeState
{
    /// <summary>The event the warm-up wrote; null in readiness's record.</summary>
    public WebhookEvent? Sample { get; set; }
}
