using K8sWebhookHandler.Grains.Telemetry;
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
    public KubernetesTarget(IOptions<KubernetesOptions> options, IConfiguration configuration, HandlerMetrics metrics, ILogger<KubernetesTarget> logger)
    {
        var (cluster, why) = Find(options.Value, configuration);
        if (cluster is null)
        {
            LogDryRun(logger, why);
            return;
        }

        Client = new KubernetesRestClient(cluster, options.Value.KubernetesRequestTimeout, metrics);
        LogCluster(logger, Client.BaseUri);
    }

    public KubernetesRestClient? Client { get; }

    public bool IsDryRun => Client is null;

    public void Dispose() => Client?.Dispose();

    /// <summary>Why the settings can never reach a cluster as asked, or null when they can (or a dry run is fine).</summary>
    public static string? ConfigurationProblem(KubernetesOptions options, IConfiguration configuration)
    {
        try
        {
            Find(options, configuration);
            return null;
        }
        catch (KubernetesTargetException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// The cluster's configuration, or null and why it is a dry run. A kubeconfig that is named but missing or
    /// unreadable, or <c>Handler:DryRun=false</c> without any configuration, is an error, not a silent dry run.
    /// </summary>
    private static (KubernetesClientConfiguration? Cluster, string Why) Find(KubernetesOptions options, IConfiguration configuration)
    {
        if (options.DryRun == true)
        {
            return (null, "Handler:DryRun is true");
        }

        if (KubernetesClientConfiguration.IsInCluster())
        {
            return (KubernetesClientConfiguration.InClusterConfig(), "");
        }

        var named = configuration["KUBECONFIG"] is { Length: > 0 } kubeconfig ? kubeconfig.Split(Path.PathSeparator)[0] : null;
        if (named is not null && !File.Exists(named))
        {
            throw new KubernetesTargetException($"KUBECONFIG names {named}, which does not exist: point KUBECONFIG at a kubeconfig file, or unset it for a dry run.");
        }

        if ((named ?? HomeKubeconfig(configuration)) is { } path)
        {
            try
            {
                return (KubernetesClientConfiguration.BuildConfigFromConfigFile(path), "");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new KubernetesTargetException($"the kubeconfig {path} cannot be used ({e.Message}): fix it, or set KUBECONFIG to another file.");
            }
        }

        return options.DryRun == false
            ? throw new KubernetesTargetException("Handler:DryRun is false but no Kubernetes configuration was found: set KUBECONFIG or run in a cluster (or leave Handler:DryRun unset for a dry run).")
            : (null, "no kubeconfig and not in a cluster");
    }

    /// <summary><c>~/.kube/config</c>, as kubectl reads it without <c>KUBECONFIG</c>, if it exists.</summary>
    private static string? HomeKubeconfig(IConfiguration configuration)
    {
        var home = configuration["HOME"] is { Length: > 0 } set ? set : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var path = Path.Combine(home, ".kube", "config");
        return File.Exists(path) ? path : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dry run ({Why}): stamped manifests are written to the data directory, nothing is applied")]
    private static partial void LogDryRun(ILogger logger, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying to the Kubernetes API at {Server}")]
    private static partial void LogCluster(ILogger logger, Uri server);
}

/// <summary>Settings that cannot reach the cluster they ask for.</summary>
public sealed class KubernetesTargetException(string message) : Exception(message);

/// <summary>Makes the target at start-up, so that the log says at once whether this is a dry run and where it applies.</summary>
internal sealed class KubernetesTargetAtStartup(KubernetesTarget target) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(target.IsDryRun);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
