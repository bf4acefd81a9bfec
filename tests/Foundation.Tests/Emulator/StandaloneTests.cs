using System.Globalization;
using K8sWebhookHandler.Testing.Kubernetes;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Foundation.Tests.Emulator;

/// <summary>The emulator run as its own process, as <c>dotnet run --project tests/KubeApiEmulator</c> runs it.</summary>
public sealed class StandaloneTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StandaloneProcess_WritesAKubeconfigThatKubectlUses()
    {
        using var dir = new TempDirectory();
        var kubeconfig = dir.Combine("kubeconfig");
        var port = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        var emulatorDll = Path.Combine(AppContext.BaseDirectory, "KubeApiEmulator.dll");

        await using var emulator = RunningProcess.Start("dotnet", [emulatorDll, "--urls", $"http://127.0.0.1:{port}", "--kubeconfig", kubeconfig]);
        await emulator.WaitForLineAsync(line => line.Contains("listening on", StringComparison.Ordinal), StartTimeout);
        var namespaces = await new Kubectl(kubeconfig).RunCheckedAsync("get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}");

        Assert.Equal("ci default", namespaces.Trim());
        Assert.Contains($"server: http://127.0.0.1:{port}", await File.ReadAllTextAsync(kubeconfig));
    }
}
