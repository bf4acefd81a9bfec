using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Events;
using Orleans.Serialization;

namespace K8sWebhookHandler.Hosting.WarmUp;

/// <summary>
/// The grain side of a delivery, once: a <see cref="WebhookEvent"/> through the Orleans serializer both ways (as a call
/// from the Api to a silo carries it); the same event appended to the repositories' journal as an acknowledgement appends
/// it and read back, and a reminder registered and removed (<see cref="IStorageProbeGrain.WarmUp"/>, whatever the store);
/// and a repository grain activated (its services built, its stored state read) for <see cref="WarmUpSamples.Repository"/>,
/// which nothing writes to.
/// </summary>
public sealed class GrainWarmUp(IGrainFactory grains, Serializer serializer, TimeProvider time) : IWarmUpStep
{
    /// <summary>The key of the probe grain the warm-up writes through; readiness's probe has another.</summary>
    public const string ProbeKey = "warm-up";

    public string Name => "grains";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var sample = WarmUpSamples.Push(time.GetUtcNow());
        Expect(serializer.Deserialize<WebhookEvent>(serializer.SerializeToArray(sample)), sample, "the Orleans serializer");
        Expect(await grains.GetGrain<IStorageProbeGrain>(ProbeKey).WarmUp(sample).WaitAsync(cancellationToken), sample, "the repositories' journal");
        await grains.GetGrain<IRepositoryGrain>(WarmUpSamples.Repository).Inspect().WaitAsync(cancellationToken);
    }

    private static void Expect(WebhookEvent? back, WebhookEvent sent, string path)
    {
        if (back != sent)
        {
            throw new WarmUpException($"{path} gave back {(back is null ? "nothing" : $"a different event ({back})")} for the sample event");
        }
    }
}
