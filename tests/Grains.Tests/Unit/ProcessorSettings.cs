using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Tests.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>The options a <see cref="DeliveryProcessor"/> reads, each subsystem's at its defaults unless a test sets it.</summary>
public sealed class ProcessorSettings
{
    public GitOptions Git { get; init; } = new();

    public ManifestOptions Manifests { get; init; } = new();

    public KubernetesOptions Kubernetes { get; init; } = new();

    public SupersedeOptions Supersede { get; init; } = new();

    /// <summary>The supersede decider of these settings over <paramref name="graph"/>.</summary>
    public SupersedeDecider Decider(IRevisionGraph graph) => new(graph, Options.Create(Supersede));

    /// <summary>A processor over <paramref name="git"/> and <paramref name="sink"/>; its decider sees no git history unless one is given.</summary>
    public DeliveryProcessor Processor(IGitMirror git, IObjectSink sink, SupersedeDecider? decider = null) =>
        new(git, sink, decider ?? Decider(new ScriptedGraph()), Options.Create(Git), Options.Create(Manifests), Options.Create(Kubernetes),
            Options.Create(Supersede), NullLogger<DeliveryProcessor>.Instance);
}
