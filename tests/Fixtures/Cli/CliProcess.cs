using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Testing.Cli;

/// <summary>The built <c>k8swh</c> (src/Cli) run as its own process, as an operator or a script runs it.</summary>
public static class CliProcess
{
    /// <summary>A safety net for one command, never a statement about speed: the CLI has its own deadline.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs <c>dotnet k8swh.dll</c> with <paramref name="arguments"/>, <c>K8SWH_URL</c> set to <paramref name="url"/> and
    /// <c>K8SWH_TOKEN</c> to <paramref name="token"/> (empty: none, whatever the test's own environment holds).
    /// </summary>
    public static async Task<CommandResult> RunAsync(Uri url, IEnumerable<string> arguments, string token = "")
    {
        using var deadline = new CancellationTokenSource(SafetyNet);
        var environment = new Dictionary<string, string> { ["K8SWH_URL"] = url.ToString(), ["K8SWH_TOKEN"] = token };
        return await ProcessRunner.RunAsync("dotnet", [AssemblyPath, .. arguments], environment: environment, cancellationToken: deadline.Token);
    }

    /// <summary>The built <c>k8swh.dll</c>, from the same build configuration as the running tests.</summary>
    public static string AssemblyPath
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(RepositoryPaths.Root, "src", "Cli", "bin", configuration, "net10.0", "k8swh.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"build src/Cli first: {path} does not exist");
        }
    }
}
