using K8sWebhookHandler.Grains.Manifests;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Hosting.WarmUp;

/// <summary>
/// The manifest path of a delivery, once, where deliveries are processed: <see cref="WarmUpSamples.Manifest"/> read as
/// kubectl reads it, with the configured limits, and stamped with a sample push. Nothing is applied.
/// </summary>
public sealed class ManifestWarmUp(IOptions<ManifestOptions> options, TimeProvider time) : IWarmUpStep
{
    public string Name => "manifests";

    public Task RunAsync(CancellationToken cancellationToken)
    {
        var objects = new ManifestReader(options.Value).Read(WarmUpSamples.Manifest);
        var stamped = ManifestStamper.Stamp(objects, WarmUpSamples.Push(time.GetUtcNow()), WarmUpSamples.Revision);
        return stamped.Count == 2 && stamped[0]["metadata"]?["name"] is not null
            ? Task.CompletedTask
            : throw new WarmUpException($"the sample manifest was read and stamped as {stamped.Count} object(s), not a named workflow and a config map");
    }
}
