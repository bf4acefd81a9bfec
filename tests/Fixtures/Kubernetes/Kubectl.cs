using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Testing.Kubernetes;

/// <summary>
/// The real <c>kubectl</c>, pointed at a kubeconfig: the client nobody here wrote, so the emulator is held to
/// what kubectl expects of an API server. Found as <c>$KUBECTL</c>, on PATH, or in the repository's <c>.tools</c>.
/// </summary>
public sealed class Kubectl(string kubeconfigPath)
{
    private static readonly Lazy<string> Executable = new(Locate);

    public static string Path => Executable.Value;

    public Task<CommandResult> RunAsync(params string[] arguments) => RunWithInputAsync(null, arguments);

    public Task<CommandResult> RunWithInputAsync(string? standardInput, params string[] arguments) =>
        ProcessRunner.RunAsync(Path, ["--kubeconfig", kubeconfigPath, .. arguments], standardInput: standardInput,
            environment: new Dictionary<string, string>
            {
                // Discovery is cached per server; beside the kubeconfig it dies with the test's emulator.
                ["KUBECACHEDIR"] = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(kubeconfigPath))!, "kubectl-cache"),
            });

    /// <summary>Runs kubectl and returns its standard output; throws with its error output unless it exits 0.</summary>
    public async Task<string> RunCheckedAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        return result.Succeeded ? result.StandardOutput : throw new CommandFailedException("kubectl " + string.Join(' ', arguments), result);
    }

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("KUBECTL");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        if (ProcessRunner.Which("kubectl") is { } onPath)
        {
            return onPath;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, ".tools", "kubectl", "kubectl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("kubectl was not found: set KUBECTL, put it on PATH, or run scripts/test.sh, which installs it into .tools/kubectl without root");
    }
}
