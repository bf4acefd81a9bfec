using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Grains.Storage;

namespace K8sWebhookHandler.Grains.Health;

/// <summary>
/// Reads its journal (never written, so nothing accumulates) from the store the repository grains use, on every
/// probe: an activated grain answers from memory, so only a read shows whether storage answers now.
/// </summary>
public sealed class StorageProbeGrain(IJournalStore journal) : Grain, IStorageProbeGrain
{
    public Task Probe() => journal.ReadAsync(this.GetGrainId().ToString(), CancellationToken.None);
}
