using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>The processor as the host composes it: over a git mirror, the real git adapter, pipeline and supersede decision.</summary>
internal static class TestProcessors
{
    /// <param name="options">The settings; their defaults (the allowed kinds) are filled in.</param>
    /// <param name="git">The mirror the manifest and the default branch are read from.</param>
    /// <param name="kinds">How kinds are resolved while planning.</param>
    /// <param name="writer">Where the plan is written.</param>
    /// <param name="stopper">What stops older workflows.</param>
    public static DeliveryProcessor Create(HandlerOptions options, IGitMirror git, IKindResolver kinds, IClusterWriter writer, IWorkflowStopper stopper)
    {
        var wrapped = Options.Create(options.WithDefaults());
        var placement = options.Placement();
        var graph = new GitRevisionGraph(git, wrapped);
        var pipeline = new ManifestPipeline(new GitManifestSource(git, wrapped), kinds, wrapped, placement);
        var supersede = Options.Create(options.Supersede);
        return new DeliveryProcessor(pipeline, writer, graph, stopper, new SupersedeDecider(graph, supersede), placement, supersede, NullLogger<DeliveryProcessor>.Instance);
    }
}
