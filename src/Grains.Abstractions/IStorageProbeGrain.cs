namespace K8sWebhookHandler.Abstractions;

/// <summary>
/// Readiness's look at grain storage: each call goes to storage (not to what an activation holds in memory), so a
/// storage outage shows as not ready while it lasts, and ready again once it is over.
/// </summary>
[Alias("storage-probe-grain")]
public interface IStorageProbeGrain : IGrainWithStringKey
{
    /// <summary>Reads the probe's record from the repositories' grain storage; throws what storage throws.</summary>
    [Alias("probe")]
    Task Probe();
}
