using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Storage;
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
    /// Where manifests are applied: the cluster when Kubernetes configuration is found (<see cref="KubernetesApplier"/>),
    /// a folder under the data directory otherwise (<see cref="DryRunSink"/>). Start-up fails when the settings ask for a
    /// cluster that configuration cannot reach (<see cref="KubernetesTargetValidator"/>); once started, the log says
    /// which it is.
    /// </summary>
    public static IServiceCollection AddKubernetesTarget(this IServiceCollection services)
    {
        services.AddKubernetesOptions().AddDataDirectory();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubernetesOptions>, KubernetesTargetValidator>());
        services.AddSingleton<KubernetesTarget>();
        services.AddHostedService<KubernetesTargetAtStartup>();
        services.AddSingleton<IObjectSink>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KubernetesOptions>>();
            return sp.GetRequiredService<KubernetesTarget>().Client is { } client
                ? new KubernetesApplier(client, new ApiDiscovery(client), options, sp.GetRequiredService<ILogger<KubernetesApplier>>())
                : new DryRunSink(options, sp.GetRequiredService<IOptions<DataDirectoryOptions>>(), sp.GetRequiredService<ILogger<DryRunSink>>());
        });
        return services;
    }
}
