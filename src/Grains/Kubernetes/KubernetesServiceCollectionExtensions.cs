using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Reporting;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Grains.Superseding;
using K8sWebhookHandler.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Kubernetes;

public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="KubernetesOptions"/> (<c>Handler:Namespace</c>, <c>AllowedKinds</c>, ...,
    /// <c>Handler:BranchNamespaces:Template</c>), with <see cref="KubernetesOptions.DefaultAllowedKinds"/> when no kind is listed.
    /// </summary>
    public static IServiceCollection AddKubernetesOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<KubernetesOptions, KubernetesOptionsValidator>(KubernetesOptions.Section, options =>
            options.PostConfigure(kubernetes => kubernetes.WithDefaults()));

    /// <summary>
    /// Where manifests are applied: the cluster when Kubernetes configuration is found (kinds resolved by discovery,
    /// <see cref="KubernetesApplier"/> writes, <see cref="WorkflowSuperseder"/> stops older workflows), a folder under the
    /// data directory otherwise (<see cref="OfflineKindResolver"/>, <see cref="DryRunFolder"/>). Also where objects may go
    /// (<see cref="ObjectPlacement"/>, from these options), which the pipeline's planner checks. Start-up fails when the
    /// settings ask for a cluster that configuration cannot reach (<see cref="KubernetesTargetValidator"/>); once
    /// started, the log says which it is.
    /// </summary>
    public static IServiceCollection AddKubernetesTarget(this IServiceCollection services)
    {
        services.AddKubernetesOptions().AddDataDirectory().AddHandlerMetrics();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubernetesOptions>, KubernetesTargetValidator>());
        services.AddSingleton<KubernetesTarget>();
        services.AddHostedService<KubernetesTargetAtStartup>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<KubernetesOptions>>().Value.Placement());
        services.AddSingleton<DryRunFolder>();
        services.AddSingleton<IKindResolver>(sp => Cluster(sp) is { } client ? new ApiDiscovery(client) : new OfflineKindResolver());
        services.AddSingleton<IClusterWriter>(sp => Cluster(sp) is { } client
            ? new KubernetesApplier(client, sp.GetRequiredService<IKindResolver>(), sp.GetRequiredService<IOptions<KubernetesOptions>>(),
                sp.GetRequiredService<ILogger<KubernetesApplier>>(), sp.GetService<TimeProvider>())
            : sp.GetRequiredService<DryRunFolder>());
        services.AddSingleton<IWorkflowStopper>(sp => Cluster(sp) is { } client
            ? new WorkflowSuperseder(client, sp.GetRequiredService<IKindResolver>(), sp.GetRequiredService<HandlerMetrics>())
            : sp.GetRequiredService<DryRunFolder>());
        return services;
    }

    /// <summary>
    /// The watch on the handler's Workflows (<see cref="IWorkflowWatch"/>), on the target of <see cref="AddKubernetesTarget"/>
    /// (added if it is not yet): <see cref="WorkflowWatch"/> on a cluster, which needs <c>list</c> and <c>watch</c> on
    /// <c>workflows.argoproj.io</c> in <see cref="WorkflowWatch.Namespaces"/>; in a dry run <see cref="DryRunFolder"/>, which
    /// has no Workflows and observes nothing until cancelled.
    /// </summary>
    public static IServiceCollection AddWorkflowWatch(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(KubernetesTarget)))
        {
            services.AddKubernetesTarget();
        }

        services.TryAddSingleton<IWorkflowWatch>(sp => Cluster(sp) is { } client
            ? new WorkflowWatch(client, sp.GetRequiredService<IKindResolver>(), sp.GetRequiredService<IOptions<KubernetesOptions>>(), sp.GetRequiredService<ILogger<WorkflowWatch>>())
            : sp.GetRequiredService<DryRunFolder>());
        return services;
    }

    /// <summary>The cluster's client, or null in a dry run.</summary>
    private static KubernetesRestClient? Cluster(IServiceProvider services) => services.GetRequiredService<KubernetesTarget>().Client;
}
