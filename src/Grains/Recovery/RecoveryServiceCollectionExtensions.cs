using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace K8sWebhookHandler.Grains.Recovery;

public static class RecoveryServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="RecoveryOptions"/> (<c>Handler:GitHub:Recovery</c>), and registers
    /// <see cref="IHookDeliveries"/> when <paramref name="configuration"/> has GitHub credentials to list deliveries with;
    /// without them the reconciler finds no <see cref="IHookDeliveries"/> and does nothing.
    /// </summary>
    public static IServiceCollection AddDeliveryRecovery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RecoveryOptions, RecoveryOptionsValidator>(RecoveryOptions.Section);
        if (configuration.ReportsToGitHub())
        {
            services.AddGitHubOptions();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<IHookDeliveries, GitHubHookDeliveries>();
        }

        return services;
    }
}
