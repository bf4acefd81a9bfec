using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Processing;
using K8sWebhookHandler.Grains.Superseding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Configuration;

public static class HandlerServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="HandlerOptions"/>, with the Go handler's <c>WEBHOOK_SECRET</c> and <c>GITHUB_TOKEN</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">Configuration with the <c>Handler</c> section.</param>
    /// <param name="requireWebhookSecret">True where webhooks are received (the Api): start-up then needs a secret or insecure mode.</param>
    public static IServiceCollection AddHandlerOptions(this IServiceCollection services, IConfiguration configuration, bool requireWebhookSecret)
    {
        services.AddOptions<HandlerOptions>()
            .Bind(configuration.GetSection(HandlerOptions.Section))
            .PostConfigure(options =>
            {
                if (configuration["WEBHOOK_SECRET"] is { Length: > 0 } secret && !options.WebhookSecrets.Contains(secret))
                {
                    options.WebhookSecrets.Add(secret);
                }

                RetireDevelopmentSecrets(options);

                options.WithDefaults();
                if (string.IsNullOrEmpty(options.GitHubToken) && configuration["GITHUB_TOKEN"] is { Length: > 0 } token)
                {
                    options.GitHubToken = token;
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<HandlerOptions>>(new HandlerOptionsValidator(requireWebhookSecret));
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Empty and repeated secrets are dropped. The development secrets are public: one may sign only while no other
    /// secret is configured. A real secret removes them; without one, <see cref="HandlerOptions.DevelopmentWebhookSecret"/>
    /// (if set) is the secret.
    /// </summary>
    private static void RetireDevelopmentSecrets(HandlerOptions options)
    {
        // Each secret once: every listed secret costs an HMAC of every delivery.
        options.WebhookSecrets = options.WebhookSecrets.Where(secret => secret.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (options.WebhookSecrets.Exists(secret => !options.IsDevelopmentSecret(secret)))
        {
            options.WebhookSecrets.RemoveAll(options.IsDevelopmentSecret);
        }
        else if (options.WebhookSecrets.Count == 0 && options.DevelopmentWebhookSecret is { Length: > 0 } development)
        {
            options.WebhookSecrets.Add(development);
        }
    }

    /// <summary>
    /// What the repository grain uses, where grains run (a silo, or the local mode): the processor and its pipeline,
    /// the supersede decision, the git adapter (revision graph, manifest source), and the Kubernetes adapter (kind
    /// resolver, cluster writer, workflow stopper) when Kubernetes configuration is found, a dry-run folder otherwise.
    /// </summary>
    public static IServiceCollection AddRepositoryProcessing(this IServiceCollection services)
    {
        services.AddSingleton<IGitMirror, GitMirror>();
        services.AddSingleton<IRevisionGraph, GitRevisionGraph>();
        services.AddSingleton<IManifestSource, GitManifestSource>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<HandlerOptions>>().Value.Placement());
        services.AddSingleton<ManifestPipeline>();
        services.AddSingleton<IDeliveryProcessor, DeliveryProcessor>();
        services.AddSingleton<IOptions<SupersedeOptions>>(sp => Options.Create(sp.GetRequiredService<IOptions<HandlerOptions>>().Value.Supersede));
        services.AddSingleton<SupersedeDecider>();
        services.TryAddKeyedSingleton<TimeProvider>(Repositories.RepositoryGrain.ClockKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        services.AddSingleton<KubernetesTarget>();
        services.AddHostedService<KubernetesTargetAtStartup>();
        services.AddSingleton<DryRunFolder>();
        services.AddSingleton<IKindResolver>(sp => Cluster(sp) is { } client ? new ApiDiscovery(client) : new OfflineKindResolver());
        services.AddSingleton<IClusterWriter>(sp => Cluster(sp) is { } client
            ? new KubernetesApplier(client, sp.GetRequiredService<IOptions<HandlerOptions>>(), sp.GetRequiredService<ILogger<KubernetesApplier>>())
            : sp.GetRequiredService<DryRunFolder>());
        services.AddSingleton<IWorkflowStopper>(sp => Cluster(sp) is { } client
            ? new WorkflowSuperseder(client, sp.GetRequiredService<IKindResolver>())
            : sp.GetRequiredService<DryRunFolder>());
        return services;
    }

    /// <summary>The cluster's client, or null in a dry run.</summary>
    private static KubernetesRestClient? Cluster(IServiceProvider services) => services.GetRequiredService<KubernetesTarget>().Client;
}
