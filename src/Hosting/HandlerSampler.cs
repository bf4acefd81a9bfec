using K8sWebhookHandler.Abstractions.Diagnostics;
using OpenTelemetry.Trace;

namespace K8sWebhookHandler.Hosting;

/// <summary>
/// Which traces are kept: those the handler starts (a delivery's, from <see cref="HandlerActivities.Receive"/> or a
/// resumed <see cref="HandlerActivities.Process"/>), and every span within a kept trace. A grain call that begins a trace of
/// its own (a readiness probe's storage check, the dashboard, an inspection request) is not kept, so that probes polled
/// every few seconds do not bury the deliveries.
/// </summary>
public sealed class HandlerSampler : Sampler
{
    private static readonly Sampler Kept = new AlwaysOnSampler();

    /// <summary>The sampler the hosts use: a span with a parent follows its parent; a root only when the handler starts it.</summary>
    public static Sampler Instance { get; } = new ParentBasedSampler(new HandlerSampler());

    private HandlerSampler()
    {
    }

    /// <inheritdoc />
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        HandlerActivities.StartsTraces(samplingParameters.Name)
            ? Kept.ShouldSample(samplingParameters)
            : new SamplingResult(SamplingDecision.Drop);
}
