using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// The options a <see cref="DeliveryProcessor"/> and the adapters around it read, each subsystem's at its defaults unless
/// a test sets it, and the processor they compose: over a git mirror, the real git adapter, pipeline and decision.
/// </summary>
public sealed class ProcessorSettings
{
    public GitOptions Git { get; init; } = new();

    public ManifestOptions Manifests { get; init; } = new();

    public KubernetesOptions Kubernetes { get; init; } = new();

    public SupersedeOptions Supersede { get; init; } = new();

    public PullRequestOptions PullRequests { get; init; } = new();

    /// <summary>The supersede decider of these settings over <paramref name="graph"/>.</summary>
    public SupersedeDecider Decider(IRevisionGraph graph) => new(graph, Options.Create(Supersede));

    /// <summary>A processor reading the manifest and the default branch from <paramref name="git"/>, planning with <paramref name="kinds"/>.</summary>
    /// <param name="git">The mirror, behind the real git adapter.</param>
    /// <param name="kinds">How kinds are resolved while planning.</param>
    /// <param name="writer">Where the plan is written.</param>
    /// <param name="stopper">What stops older workflows.</param>
    internal DeliveryProcessor Processor(IGitMirror git, IKindResolver kinds, IClusterWriter writer, IWorkflowStopper stopper)
    {
        var remotes = Options.Create(Git);
        var graph = new GitRevisionGraph(git, remotes);
        var placement = Kubernetes.WithDefaults().Placement();
        var pipeline = new ManifestPipeline(new GitManifestSource(git, remotes), kinds, Options.Create(Manifests), placement);
        return new DeliveryProcessor(pipeline, writer, graph, stopper, Decider(graph), placement, Options.Create(Supersede), Options.Create(PullRequests),
            NullLogger<DeliveryProcessor>.Instance);
    }

    /// <summary>A processor over a mirror answering <paramref name="files"/> by revision, writing to and stopping with one recorder.</summary>
    internal (DeliveryProcessor Processor, FilesByRevision Git, RecordingWriter Sink) OverFiles(Dictionary<string, string?> files)
    {
        var git = new FilesByRevision(files);
        var writer = new RecordingWriter();
        return (Processor(git, new OfflineKindResolver(), writer, writer), git, writer);
    }
}
