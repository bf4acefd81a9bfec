using k8s;
using K8sWebhookHandler.KubeApiEmulator;
using K8sWebhookHandler.Testing.Kubernetes;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Foundation.Tests.Emulator;

/// <summary>One emulator per test class, with a kubeconfig, kubectl and a KubernetesClient pointed at it.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("emulator");

    public KubeApiEmulatorServer Server { get; private set; } = null!;

    public Kubectl Kubectl { get; private set; } = null!;

    public IKubernetes Client { get; private set; } = null!;

    public string KubeconfigPath { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await KubeApiEmulatorServer.StartAsync();
        KubeconfigPath = Server.WriteKubeconfig(_directory.Combine("kubeconfig"));
        Kubectl = new Kubectl(KubeconfigPath);
        Client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));
    }

    /// <summary>A fresh namespace, so that tests sharing the emulator never see each other's objects.</summary>
    public string NewNamespace()
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..12];
        Server.CreateNamespace(name);
        return name;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        _directory.Dispose();
    }
}
