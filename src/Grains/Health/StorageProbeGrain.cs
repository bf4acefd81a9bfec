using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Grains.Repositories;

namespace K8sWebhookHandler.Grains.Health;

/// <summary>
/// Reads its record (never written, so nothing accumulates) through the storage the repository grains use, on every
/// probe: an activated grain answers from memory, so only a read shows whether storage answers now.
/// </summary>
public sealed class StorageProbeGrain(
    [PersistentState("readiness-probe", StorageNames.Repositories)] IPersistentState<StorageProbeState> state) : Grain, IStorageProbeGrain
{
    public Task Probe() => state.ReadStateAsync();
}

/// <summary>The probe's record: empty, and never written.</summary>
public sealed class StorageProbeState;
