using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Abstractions;

/// <summary>
/// Readiness's look at grain storage: each call goes to storage (not to what an activation holds in memory), so a
/// storage outage shows as not ready while it lasts, and ready again once it is over. The warm-up uses it too, to take
/// the grain side of an acknowledgement once before the process says it is ready.
/// </summary>
[Alias("storage-probe-grain")]
public interface IStorageProbeGrain : IGrainWithStringKey
{
    /// <summary>Reads the probe's record from the repositories' grain storage; throws what storage throws.</summary>
    [Alias("probe")]
    Task Probe();

    /// <summary>
    /// What an acknowledgement does besides its own bookkeeping, once: appends a change holding <paramref name="sample"/>
    /// to the probe's journal in the repositories' store as an acknowledgement appends one, reads it back, then replaces
    /// that journal with one empty snapshot (so it never grows); registers a reminder and removes it. Answers the event
    /// read back, which has made the trip a delivery makes (serialized into the call, stored, read, serialized into the
    /// answer), or null when the journal did not give back what was written. Throws what storage or reminders throw.
    /// </summary>
    [Alias("warm-up")]
    Task<WebhookEvent?> WarmUp(WebhookEvent sample);
}
