using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Processing;
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
    /// What the repository grain uses, where grains run (a silo, or the local mode): git mirror, processor and
    /// the sink, which is the cluster when Kubernetes configuration is found and a dry-run folder otherwise.
    /// </summary>
    public static IServiceCollection AddRepositoryProcessing(this IServiceCollection services)
    {
        services.AddSingleton<IGitMirror, GitMirror>();
        services.AddSingleton<IDeliveryProcessor, DeliveryProcessor>();
        services.AddSingleton<IRevisionGraph, GitRevisionGraph>();
        services.AddSingleton<SupersedeDecider>();
        services.TryAddKeyedSingleton<TimeProvider>(Repositories.RepositoryGrain.ClockKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        services.AddSingleton<KubernetesTarget>();
        services.AddHostedService<KubernetesTargetAtStartup>();
        services.AddSingleton<IObjectSink>(sp =>
        {
            var target = sp.GetRequiredService<KubernetesTarget>();
            return target.Client is { } client
                ? new KubernetesApplier(client, new ApiDiscovery(client), sp.GetRequiredService<IOptions<HandlerOptions>>(), sp.GetRequiredService<ILogger<KubernetesApplier>>())
                : new DryRunSink(sp.GetRequiredService<IOptions<HandlerOptions>>(), sp.GetRequiredService<ILogger<DryRunSink>>());
        });
        return services;
    }
}
