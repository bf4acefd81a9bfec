using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Delivery;
using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.GitHub;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Manifests;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Recovery;
using K8sWebhookHandler.Grains.PullRequests;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Reporting;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Hosting;

public static class HostingServiceCollectionExtensions
{
    /// <summary>
    /// What the repository grain uses, where grains run (a silo, or the local mode), each part with its options: the
    /// delivery rules, superseding, the manifest reader's limits, the processor and its pipeline, and the adapters that
    /// answer their ports: the git mirror (fetching with GitHub's credentials, <c>Handler:GitHub</c>), and the Kubernetes
    /// target (the cluster when configuration is found, a dry-run folder otherwise).
    /// </summary>
    public static IServiceCollection AddRepositoryGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGitHubCredentials().AddHandlerMetrics();
        services.TryAddSingleton<IFetchCredentials, GitHubFetchCredentials>();
        services.AddDeliveryOptions().AddPullRequestOptions().AddSupersedeOptions().AddManifestOptions().AddGitMirror().AddKubernetesTarget().AddWorkflowWatch();
        services.AddCommitReporter(configuration);
        services.AddRecoveryOptions().AddHookDeliveries(configuration);
        services.TryAddSingleton<IWorkflowLinks, WorkflowLinks>();
        services.AddSingleton<ManifestPipeline>();
        services.AddSingleton<IDeliveryProcessor, DeliveryProcessor>();
        services.AddSingleton<SupersedeDecider>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton<TimeProvider>(RepositoryGrain.ClockKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        return services;
    }

    /// <summary>Binds and validates <see cref="SiloClusterOptions"/> for a client of the cluster: Redis and the cluster's ids.</summary>
    public static IServiceCollection AddClusterClientOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<SiloClusterOptions, SiloClusterOptionsValidator>(SiloClusterOptions.Section);

    /// <summary>Binds and validates <see cref="SiloClusterOptions"/> for a silo: a client's settings and the silo's own endpoints.</summary>
    public static IServiceCollection AddClusterSiloOptions(this IServiceCollection services)
    {
        services.AddClusterClientOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloClusterOptions>, SiloEndpointsValidator>());
        return services;
    }
}
