using K8sWebhookHandler.Abstractions.Events;

namespace K8sWebhookHandler.Abstractions;

/// <summary>
/// Readiness's look at grain storage: each call goes to storage (not to what an activation holds in memory), so a
/// storage outage shows as not ready while it lasts, and ready again once it is over. The warm-up uses it too, to
/// write through the repositories' storage once before the process says it is ready.
/// </summary>
[Alias("storage-probe-grain")]
public interface IStorageProbeGrain : IGrainWithStringKey
{
    /// <summary>Reads the probe's record from the repositories' grain storage; throws what storage throws.</summary>
    [Alias("probe")]
    Task Probe();

    /// <summary>
    /// Writes a record holding <paramref name="sample"/> to the repositories' grain storage, reads it back, deletes it,
    /// and answers what was read: the event makes the trip a delivery makes (serialized into the call, stored, read,
    /// serialized into the answer), and nothing stays behind. Throws what storage throws.
    /// </summary>
    [Alias("round-trip")]
    Task<WebhookEvent?> RoundTrip(WebhookEvent sample);
}
