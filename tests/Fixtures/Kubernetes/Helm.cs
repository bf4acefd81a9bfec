using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Testing.Kubernetes;

/// <summary>The real <c>helm</c>, found as <c>$HELM</c>, on PATH, or in the repository's <c>.tools/helm</c> (where .ci/run puts it).</summary>
public static class Helm
{
    private static readonly Lazy<string> Executable = new(Locate);

    public static string Path => Executable.Value;

    /// <summary>Runs helm with a private HOME, so that no user configuration or cache is read.</summary>
    public static Task<CommandResult> RunAsync(string home, params string[] arguments) =>
        ProcessRunner.RunAsync(Path, arguments, RepositoryPaths.Root, environment: new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["HELM_CACHE_HOME"] = System.IO.Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = System.IO.Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = System.IO.Path.Combine(home, "data"),
        });

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("HELM");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        if (ProcessRunner.Which("helm") is { } onPath)
        {
            return onPath;
        }

        var tools = System.IO.Path.Combine(RepositoryPaths.Root, ".tools", "helm", "helm");
        return File.Exists(tools) ? tools : throw new InvalidOperationException("helm was not found: set HELM, put it on PATH, or run .ci/run to install it into .tools/helm");
    }
}
