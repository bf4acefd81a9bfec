namespace K8sWebhookHandler.Hosting.WarmUp;

/// <summary>
/// One part of the warm-up that runs before <c>/readyz</c> says ready: it takes a hot path once (loads its code, builds
/// its caches, opens what it opens), so that the first real delivery costs what a later one does. A step leaves no state
/// anyone can see and sends nothing to git or Kubernetes. It throws when the path does not work; it is then tried again.
/// </summary>
public interface IWarmUpStep
{
    /// <summary>What the step warms, as readiness names it: <c>intake</c>, <c>grains</c>, <c>manifests</c>.</summary>
    string Name { get; }

    /// <summary>Takes the path once; throws when it fails.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>A warm-up step found the path it took not working as it should: what it expected, and what it got.</summary>
public sealed class WarmUpException(string message) : Exception(message);
