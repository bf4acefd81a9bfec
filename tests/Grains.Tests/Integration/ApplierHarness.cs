using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Inspection;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Tests.Cluster;
using K8sWebhookHandler.Grains.Tests.Unit;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using k8s;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>A strict emulator, a REST client for it and appliers over that client: what the applier tests stand on.</summary>
public sealed class ApplierHarness : IAsyncDisposable
{
    private readonly TempDirectory _directory;

    private ApplierHarness(TempDirectory directory, KubeApiEmulatorServer emulator, KubernetesRestClient client, MetricsRecorder metrics)
    {
        _directory = directory;
        Emulator = emulator;
        Client = client;
        Metrics = metrics;
    }

    /// <summary>What the client and the superseder record.</summary>
    public MetricsRecorder Metrics { get; }

    public KubeApiEmulatorServer Emulator { get; }

    public KubernetesRestClient Client { get; }

    /// <param name="requestTimeout">How long one request may take before the client gives up on it (transient).</param>
    public static async Task<ApplierHarness> StartAsync(TimeSpan requestTimeout)
    {
        var directory = new TempDirectory("applier");
        var emulator = await KubeApiEmulatorServer.StartAsync();
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(emulator.WriteKubeconfig(directory.Combine("kubeconfig")));
        var metrics = new MetricsRecorder();
        return new ApplierHarness(directory, emulator, new KubernetesRestClient(configuration, requestTimeout, metrics.Metrics), metrics);
    }

    /// <summary>The cluster path of an apply, allowing <paramref name="kinds"/> (Argo Workflows when none are named).</summary>
    public ClusterPath Applier(params string[] kinds)
    {
        var options = new KubernetesOptions { AllowedKinds = kinds.Length == 0 ? ["argoproj.io/Workflow"] : [.. kinds] };
        var discovery = new ApiDiscovery(Client);
        return new ClusterPath(new ApplyPlanner(discovery, options.Placement()), new KubernetesApplier(Client, discovery, Options.Create(options), NullLogger<KubernetesApplier>.Instance),
            new WorkflowSuperseder(Client, discovery, Metrics.Metrics));
    }

    /// <summary>
    /// The whole processing of a delivery over this emulator: <paramref name="manifest"/> at every revision a test
    /// uses (<c>Sha(1)</c> to <c>Sha(9)</c>, and the default branch's <c>Sha(99)</c>), the real applier, no git history.
    /// </summary>
    public DeliveryProcessor Processor(ProcessorSettings settings, string manifest)
    {
        var files = Enumerable.Range(1, 9).Append(99).ToDictionary(n => TestEvents.Sha(n), _ => (string?)manifest);
        return Processor(settings, new FilesByRevision(files));
    }

    /// <summary>The whole processing of a delivery over <paramref name="git"/> and this emulator, with the real applier.</summary>
    internal DeliveryProcessor Processor(ProcessorSettings settings, Git.IGitMirror git)
    {
        var discovery = new ApiDiscovery(Client);
        var applier = new KubernetesApplier(Client, discovery, Options.Create(settings.Kubernetes.WithDefaults()), NullLogger<KubernetesApplier>.Instance);
        return settings.Processor(git, discovery, applier, new WorkflowSuperseder(Client, discovery, Metrics.Metrics));
    }

    /// <summary>The YAML documents read and stamped for <paramref name="e"/>, as the pipeline hands them to the planner.</summary>
    public static IReadOnlyList<JsonObject> Stamped(WebhookEvent e, params string[] yaml) =>
        ManifestStamper.Stamp(new ManifestReader(new ManifestOptions()).Read(string.Join("---\n", yaml)), e, e.Revision);

    /// <summary>True when the emulator received no request that writes (POST, PUT, PATCH, DELETE).</summary>
    public bool NothingWritten() => !Emulator.Requests.Snapshot().Any(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Metrics.Dispose();
        await Emulator.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>
/// What the processor does with stamped objects on a cluster, step by step: plan them against the emulator's
/// discovery, then write them with the real applier; and the real workflow stopper.
/// </summary>
public sealed class ClusterPath(ApplyPlanner planner, KubernetesApplier writer, WorkflowSuperseder stopper)
{
    public async Task<IReadOnlyList<AppliedObject>> ApplyAsync(IReadOnlyList<JsonObject> stamped, WebhookEvent e, string targetNamespace, CancellationToken cancellationToken) =>
        await writer.ApplyAsync(await planner.PlanAsync(stamped, targetNamespace, cancellationToken), e, cancellationToken);

    public Task EnsureNamespaceAsync(string name, WebhookEvent e, CancellationToken cancellationToken) => writer.EnsureNamespaceAsync(name, e, cancellationToken);

    public Task<bool> DeleteOwnedNamespaceAsync(string name, WebhookEvent e, CancellationToken cancellationToken) => writer.DeleteOwnedNamespaceAsync(name, e, cancellationToken);

    public Task<IReadOnlyList<AppliedObject>> StopOlderAsync(WebhookEvent e, IReadOnlyList<AppliedObject> keep, IReadOnlyList<AppliedObject> previous, SupersedePolicy policy, CancellationToken cancellationToken) =>
        stopper.StopOlderAsync(e, keep, previous, policy, cancellationToken);
}
