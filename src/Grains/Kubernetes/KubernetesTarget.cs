using K8sWebhookHandler.Grains.Configuration;
using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>
/// The cluster the handler applies to: in-cluster configuration, else the kubeconfig (<c>KUBECONFIG</c> or
/// <c>~/.kube/config</c>). Null <see cref="Client"/> means a dry run, chosen by <c>Handler:DryRun</c> or by
/// finding no configuration at all.
/// </summary>
public sealed partial class KubernetesTarget : IDisposable
{
    public KubernetesTarget(IOptions<HandlerOptions> options, IConfiguration configuration, ILogger<KubernetesTarget> logger)
    {
        var dryRun = options.Value.DryRun;
        if (dryRun == true)
        {
            LogDryRun(logger, "Handler:DryRun is true");
            return;
        }

        KubernetesClientConfiguration? cluster = null;
        if (KubernetesClientConfiguration.IsInCluster())
        {
            cluster = KubernetesClientConfiguration.InClusterConfig();
        }
        else if (KubeconfigPath(configuration["KUBECONFIG"]) is { } path)
        {
            cluster = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        }

        if (cluster is null)
        {
            if (dryRun == false)
            {
                throw new InvalidOperationException("Handler:DryRun is false but no Kubernetes configuration was found: set KUBECONFIG or run in a cluster.");
            }

            LogDryRun(logger, "no kubeconfig and not in a cluster");
            return;
        }

        Client = new KubernetesRestClient(cluster, options.Value.KubernetesRequestTimeout);
        LogCluster(logger, Client.BaseUri);
    }

    public KubernetesRestClient? Client { get; }

    public bool IsDryRun => Client is null;

    public void Dispose() => Client?.Dispose();

    /// <summary><c>KUBECONFIG</c> (the first of a list, as kubectl reads it), else <c>~/.kube/config</c> if it exists.</summary>
    private static string? KubeconfigPath(string? kubeconfig)
    {
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            return kubeconfig.Split(Path.PathSeparator)[0];
        }

        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return File.Exists(home) ? home : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dry run ({Why}): stamped manifests are written to the data directory, nothing is applied")]
    private static partial void LogDryRun(ILogger logger, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying to the Kubernetes API at {Server}")]
    private static partial void LogCluster(ILogger logger, Uri server);
}
