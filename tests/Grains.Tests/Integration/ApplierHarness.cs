using System.Text.Json.Nodes;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
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

    private ApplierHarness(TempDirectory directory, KubeApiEmulatorServer emulator, KubernetesRestClient client)
    {
        _directory = directory;
        Emulator = emulator;
        Client = client;
    }

    public KubeApiEmulatorServer Emulator { get; }

    public KubernetesRestClient Client { get; }

    /// <param name="requestTimeout">How long one request may take before the client gives up on it (transient).</param>
    public static async Task<ApplierHarness> StartAsync(TimeSpan requestTimeout)
    {
        var directory = new TempDirectory("applier");
        var emulator = await KubeApiEmulatorServer.StartAsync();
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(emulator.WriteKubeconfig(directory.Combine("kubeconfig")));
        return new ApplierHarness(directory, emulator, new KubernetesRestClient(configuration, requestTimeout));
    }

    /// <summary>An applier that allows <paramref name="kinds"/> (Argo Workflows when none are named).</summary>
    public KubernetesApplier Applier(params string[] kinds) => new(Client, new ApiDiscovery(Client),
        Options.Create(new KubernetesOptions { AllowedKinds = kinds.Length == 0 ? ["argoproj.io/Workflow"] : [.. kinds] }), NullLogger<KubernetesApplier>.Instance);

    /// <summary>
    /// The whole processing of a delivery over this emulator: <paramref name="manifest"/> at every revision a test
    /// uses (<c>Sha(1)</c> to <c>Sha(9)</c>, and the default branch's <c>Sha(99)</c>), the real applier, no git history.
    /// </summary>
    public DeliveryProcessor Processor(ProcessorSettings settings, string manifest)
    {
        var files = Enumerable.Range(1, 9).Append(99).ToDictionary(n => TestEvents.Sha(n), _ => (string?)manifest);
        var sink = new KubernetesApplier(Client, new ApiDiscovery(Client), Options.Create(settings.Kubernetes.WithDefaults()), NullLogger<KubernetesApplier>.Instance);
        return settings.Processor(new FilesByRevision(files), sink);
    }

    /// <summary>The YAML documents read and stamped for <paramref name="e"/>, as the processor hands them to a sink.</summary>
    public static IReadOnlyList<JsonObject> Stamped(WebhookEvent e, params string[] yaml) =>
        ManifestStamper.Stamp(new ManifestReader(new ManifestOptions()).Read(string.Join("---\n", yaml)), e, e.Revision);

    /// <summary>True when the emulator received no request that writes (POST, PUT, PATCH, DELETE).</summary>
    public bool NothingWritten() => !Emulator.Requests.Snapshot().Any(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
        _directory.Dispose();
    }
}
