using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Testing.Kubernetes;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Foundation.Tests.Emulator;

/// <summary>The emulator run as its own process, as <c>dotnet run --project tests/KubeApiEmulator</c> runs it.</summary>
public sealed class StandaloneTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static async Task<(RunningProcess Process, string Port)> StartAsync(string kubeconfig)
    {
        var port = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        var emulatorDll = Path.Combine(AppContext.BaseDirectory, "KubeApiEmulator.dll");
        var emulator = RunningProcess.Start("dotnet", [emulatorDll, "--urls", $"http://127.0.0.1:{port}", "--kubeconfig", kubeconfig]);
        try
        {
            await emulator.WaitForLineAsync(line => line.Contains("listening on", StringComparison.Ordinal), StartTimeout);
            return (emulator, port);
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task StandaloneProcess_WritesAKubeconfigThatKubectlUses()
    {
        using var dir = new TempDirectory();
        var kubeconfig = dir.Combine("kubeconfig");
        var (emulator, port) = await StartAsync(kubeconfig);
        await using var running = emulator;
        var namespaces = await new Kubectl(kubeconfig).RunCheckedAsync("get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}");

        Assert.Equal("ci default", namespaces.Trim());
        Assert.Contains($"server: http://127.0.0.1:{port}", await File.ReadAllTextAsync(kubeconfig));
    }

    [Fact]
    public async Task StandaloneProcess_ServesFaultAndRequestLogEndpoints()
    {
        using var dir = new TempDirectory();
        var kubeconfig = dir.Combine("kubeconfig");
        var (emulator, port) = await StartAsync(kubeconfig);
        await using var running = emulator;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var fault = new JsonObject { ["count"] = 1, ["status"] = 503, ["method"] = "GET", ["pathContains"] = "/namespaces" };

        var armed = await http.PostAsync("/_emulator/faults", new StringContent(fault.ToJsonString(), Encoding.UTF8, "application/json"));
        var failed = await new Kubectl(kubeconfig).RunAsync("get", "namespaces", "-o", "name");
        var recovered = await new Kubectl(kubeconfig).RunCheckedAsync("get", "namespaces", "-o", "name");
        var log = JsonNode.Parse(await http.GetStringAsync("/_emulator/requests"))!.AsArray();
        var cleared = await http.DeleteAsync("/_emulator/requests");
        var empty = JsonNode.Parse(await http.GetStringAsync("/_emulator/requests"))!.AsArray();

        Assert.Equal(HttpStatusCode.NoContent, armed.StatusCode);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("namespace/ci", recovered);
        var gets = log.Where(r => r!["method"]!.GetValue<string>() == "GET" && r["path"]!.GetValue<string>() == "/api/v1/namespaces").ToArray();
        Assert.Equal(503, gets[0]!["statusCode"]!.GetValue<int>());
        Assert.Equal(200, gets[^1]!["statusCode"]!.GetValue<int>());
        Assert.All(gets, r => Assert.StartsWith("kubectl", r!["userAgent"]!.GetValue<string>()));
        Assert.DoesNotContain(log, r => r!["path"]!.GetValue<string>().StartsWith("/_emulator", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Empty(empty);
    }
}
